/*
 * One SSH session to a cluster, as both the pool's worker and the
 * one-off host-key commands make it: options (with ~/.ssh/config), the
 * strict host-key check, authentication, and fetching or trusting a host
 * key. Runs on whichever thread owns the session.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <mlops/log.h>
#include <mlops/xmalloc.h>

#include "sshpool.h"
#include "sshpool_impl.h"

/* curve25519 first (OpenSSH 9.x prefers sntrup761, which libssh 0.10 does
 * not have and which costs ~150 ms per handshake here anyway). */
#define SSHPOOL_KEX                                                    \
	"curve25519-sha256,curve25519-sha256@libssh.org,"              \
	"ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"    \
	"diffie-hellman-group18-sha512,diffie-hellman-group16-sha512," \
	"diffie-hellman-group-exchange-sha256,"                        \
	"diffie-hellman-group14-sha256"

/* A new session configured as described at the top of this file, TCP
 * connected and key-exchanged; the host key is NOT checked yet. */
int
sshpool_session_connect(ssh_session *out, const struct cluster_config *cc,
    unsigned timeout_ms, struct mlops_error *err)
{
	ssh_session s    = NULL;
	const char *home = getenv("HOME");
	const char *host = cc->hostname != NULL ? cc->hostname : cc->host;
	char       *dir  = NULL;
	char        peer[200];
	long        secs = (long) (timeout_ms / 1000u);
	long        usec = (long) (timeout_ms % 1000u) * 1000L;
	int         rc   = 0;
	int         yes  = 1;

	if (host == NULL || *host == '\0') {
		return mlops_error_set(err, MLOPS_EINVAL, "%s: no host",
		    cc->name != NULL ? cc->name : "cluster");
	}
	if ((s = ssh_new()) == NULL) {
		return mlops_error_set(err, MLOPS_ERROR, "ssh_new failed");
	}
	/* libssh takes ~ from the passwd entry; OpenSSH users (and tests)
	 * expect $HOME, which also locates ~/.ssh/config, known_hosts and
	 * the default identities. */
	if (home != NULL && *home == '/') {
		dir = xasprintf("%s/.ssh", home);
		ssh_options_set(s, SSH_OPTIONS_SSH_DIR, dir);
	}
	if (ssh_options_set(s, SSH_OPTIONS_HOST, host) != SSH_OK) {
		rc = mlops_error_set(err, MLOPS_EINVAL, "%s: bad host '%s'",
		    sshpool_cc_label(cc), host);
		goto out;
	}
	ssh_options_set(s, SSH_OPTIONS_KEY_EXCHANGE, SSHPOOL_KEX);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &secs);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec);
	ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
	if (ssh_options_parse_config(s, NULL) != SSH_OK) {
		rc = mlops_error_set(err, MLOPS_ECONFIG,
		    "%s: cannot apply ~/.ssh/config: %s", sshpool_cc_label(cc),
		    ssh_get_error(s));
		goto out;
	}
	/* Explicit cluster keys last: they win over ~/.ssh/config. */
	if (cc->user != NULL) {
		ssh_options_set(s, SSH_OPTIONS_USER, cc->user);
	}
	if (cc->port != 0) {
		unsigned int port = cc->port;

		ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	}
	if (cc->known_hosts != NULL) {
		/* An explicit file is the only trust anchor: a key in the
		 * system-wide file must not make it "known". */
		ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, cc->known_hosts);
		ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	}
	if (ssh_connect(s) != SSH_OK) {
		rc = mlops_error_set(err, MLOPS_EUNREACHABLE,
		    "cannot connect to %s: %s",
		    sshexec_peer_name(peer, sizeof(peer), s),
		    ssh_get_error(s));
		goto out;
	}
	*out = s;
	s    = NULL;

out:
	if (s != NULL) {
		ssh_disconnect(s);
		ssh_free(s);
	}
	free(dir);
	return rc;
}

/* "SHA256:..." and "ssh-ed25519" of the server's key; caller frees. */
int
sshpool_hostkey_info(ssh_session s, char **fingerprint, char **keytype)
{
	ssh_key        key  = NULL;
	unsigned char *hash = NULL;
	size_t         hlen = 0;
	char          *fp   = NULL;
	int            rc   = MLOPS_ERROR;

	if (ssh_get_server_publickey(s, &key) != SSH_OK) {
		goto out;
	}
	if (ssh_get_publickey_hash(
	        key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen)
	    != SSH_OK) {
		goto out;
	}
	if ((fp = ssh_get_fingerprint_hash(
	         SSH_PUBLICKEY_HASH_SHA256, hash, hlen))
	    == NULL) {
		goto out;
	}
	*fingerprint = xstrdup(fp);
	*keytype     = xstrdup(ssh_key_type_to_char(ssh_key_type(key)));
	rc           = 0;

out:
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	return rc;
}

/* "host:port" as known_hosts knows it (after ~/.ssh/config HostName). */
void
sshpool_hostport(char *buf, size_t len, ssh_session s)
{
	char        *host = NULL;
	unsigned int port = 22;

	ssh_options_get(s, SSH_OPTIONS_HOST, &host);
	ssh_options_get_port(s, &port);
	snprintf(buf, len, "%s:%u", host != NULL ? host : "?", port);
	ssh_string_free_char(host);
}

int
sshpool_check_hostkey(
    ssh_session s, const struct cluster_config *cc, struct mlops_error *err)
{
	enum ssh_known_hosts_e state = ssh_session_is_known_server(s);
	const char            *name  = sshpool_cc_label(cc);
	char                  *fp = NULL, *type = NULL, *kh = NULL;
	char                   hp[200];
	int                    rc;

	if (state == SSH_KNOWN_HOSTS_OK) {
		return 0;
	}
	sshpool_hostport(hp, sizeof(hp), s);
	if (sshpool_hostkey_info(s, &fp, &type) < 0) {
		fp   = xstrdup("SHA256:?");
		type = xstrdup("?");
	}
	ssh_options_get(s, SSH_OPTIONS_KNOWNHOSTS, &kh);
	switch (state) {
	case SSH_KNOWN_HOSTS_NOT_FOUND:
	case SSH_KNOWN_HOSTS_UNKNOWN:
		rc = mlops_error_set(err, MLOPS_EHOSTKEY,
		    "host key for %s is not known (%s %s); run `mlops cluster "
		    "trust %s` to add it",
		    hp, type, fp, name);
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
		rc = mlops_error_set(err, MLOPS_EHOSTKEY,
		    "HOST KEY CHANGED for %s (now %s %s): possible MITM; if "
		    "expected, remove the old entry from %s and run `mlops "
		    "cluster trust %s`",
		    hp, type, fp, kh != NULL ? kh : "known_hosts", name);
		break;
	case SSH_KNOWN_HOSTS_OTHER:
		rc = mlops_error_set(err, MLOPS_EHOSTKEY,
		    "host key for %s CHANGED type (now %s %s): possible MITM; "
		    "if expected, remove the old entry from %s and run `mlops "
		    "cluster trust %s`",
		    hp, type, fp, kh != NULL ? kh : "known_hosts", name);
		break;
	default:
		rc = mlops_error_set(err, MLOPS_EHOSTKEY,
		    "cannot check the host key of %s against %s: %s", hp,
		    kh != NULL ? kh : "known_hosts", ssh_get_error(s));
		break;
	}
	free(fp);
	free(type);
	ssh_string_free_char(kh);
	return rc;
}

int
sshpool_auth(
    ssh_session s, const struct cluster_config *cc, struct mlops_error *err)
{
	ssh_key key = NULL;
	char    peer[200];
	int     rc;

	sshexec_peer_name(peer, sizeof(peer), s);
	if (cc->ssh_key_path != NULL) {
		if (ssh_pki_import_privkey_file(
		        cc->ssh_key_path, NULL, NULL, NULL, &key)
		    != SSH_OK) {
			return mlops_error_set(err, MLOPS_EAUTH,
			    "%s: cannot read private key %s (missing, or "
			    "protected by a passphrase: then leave "
			    "ssh_key_path unset and use ssh-agent)",
			    peer, cc->ssh_key_path);
		}
		rc = ssh_userauth_publickey(s, NULL, key);
		ssh_key_free(key);
	} else {
		/* ssh-agent, then IdentityFile entries and default keys */
		rc = ssh_userauth_publickey_auto(s, NULL, NULL);
	}
	if (rc == SSH_AUTH_SUCCESS) {
		return 0;
	}
	if (rc == SSH_AUTH_ERROR && !ssh_is_connected(s)) {
		return mlops_error_set(err, MLOPS_EUNREACHABLE,
		    "%s: connection lost during authentication: %s", peer,
		    ssh_get_error(s));
	}
	return mlops_error_set(err, MLOPS_EAUTH,
	    "%s: public key authentication refused (%s%s)", peer,
	    cc->ssh_key_path != NULL ? "key " : "agent and default keys",
	    cc->ssh_key_path != NULL ? cc->ssh_key_path : "");
}

/* mkdir -p of the directory part of `path`, mode 0700. */
int
sshpool_mkdir_parent(const char *path)
{
	char *dir   = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int   rc    = 0;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1;; p++) {
			if (*p == '/' || *p == '\0') {
				char c = *p;

				*p = '\0';
				if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
					rc = -1;
				}
				*p = c;
				if (c == '\0') {
					break;
				}
			}
		}
	}
	free(dir);
	return rc;
}

int
sshpool_fetch_hostkey(char **fingerprint, char **keytype, int *known,
    const struct cluster_config *cc, struct mlops_error *err)
{
	struct sshpool_opts    o;
	ssh_session            s  = NULL;
	char                  *fp = NULL, *type = NULL;
	enum ssh_known_hosts_e state;
	int                    rc;

	sshpool_opts_init(&o);
	if ((rc = sshpool_session_connect(&s, cc, o.connect_timeout_ms, err))
	    < 0) {
		goto out;
	}
	if (sshpool_hostkey_info(s, &fp, &type) < 0) {
		rc = mlops_error_set(err, MLOPS_EUNREACHABLE,
		    "%s: no host key from the server: %s",
		    sshpool_cc_label(cc), ssh_get_error(s));
		goto out;
	}
	state = ssh_session_is_known_server(s);
	if (known != NULL) {
		*known = state == SSH_KNOWN_HOSTS_OK ? 1
		    : (state == SSH_KNOWN_HOSTS_CHANGED
		          || state == SSH_KNOWN_HOSTS_OTHER)
		    ? -1
		    : 0;
	}
	*fingerprint = fp;
	*keytype     = type;
	fp = type = NULL;

out:
	free(fp);
	free(type);
	if (s != NULL) {
		ssh_disconnect(s);
		ssh_free(s);
	}
	return rc;
}

int
sshpool_trust_hostkey(const struct cluster_config *cc,
    const char *expected_fingerprint, struct mlops_error *err)
{
	struct sshpool_opts    o;
	ssh_session            s  = NULL;
	char                  *fp = NULL, *type = NULL, *kh = NULL;
	char                   hp[200];
	enum ssh_known_hosts_e state;
	int                    rc;

	sshpool_opts_init(&o);
	if ((rc = sshpool_session_connect(&s, cc, o.connect_timeout_ms, err))
	    < 0) {
		goto out;
	}
	sshpool_hostport(hp, sizeof(hp), s);
	if (sshpool_hostkey_info(s, &fp, &type) < 0) {
		rc = mlops_error_set(err, MLOPS_EUNREACHABLE,
		    "%s: no host key from the server: %s", hp,
		    ssh_get_error(s));
		goto out;
	}
	ssh_options_get(s, SSH_OPTIONS_KNOWNHOSTS, &kh);
	state = ssh_session_is_known_server(s);
	if (state == SSH_KNOWN_HOSTS_OK) {
		goto out; /* already trusted */
	}
	if (state == SSH_KNOWN_HOSTS_CHANGED
	    || state == SSH_KNOWN_HOSTS_OTHER) {
		rc = mlops_error_set(err, MLOPS_EHOSTKEY,
		    "not trusting %s %s for %s: another key is known for it; "
		    "remove the old entry from %s first",
		    type, fp, hp, kh != NULL ? kh : "known_hosts");
		goto out;
	}
	if (expected_fingerprint != NULL
	    && strcmp(expected_fingerprint, fp) != 0) {
		rc = mlops_error_set(err, MLOPS_EHOSTKEY,
		    "%s now presents %s %s, not the confirmed %s: not trusted",
		    hp, type, fp, expected_fingerprint);
		goto out;
	}
	if (kh != NULL) {
		sshpool_mkdir_parent(kh);
	}
	if (ssh_session_update_known_hosts(s) != SSH_OK) {
		rc = mlops_error_set(err, MLOPS_EIO, "cannot add %s to %s: %s",
		    hp, kh != NULL ? kh : "known_hosts", ssh_get_error(s));
		goto out;
	}
	log_info("sshpool %s: trusted %s %s for %s", sshpool_cc_label(cc),
	    type, fp, hp);

out:
	free(fp);
	free(type);
	ssh_string_free_char(kh);
	if (s != NULL) {
		ssh_disconnect(s);
		ssh_free(s);
	}
	return rc;
}
