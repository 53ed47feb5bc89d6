# The layout's rules, checked (ctest: test_layers). Run as a script:
#   cmake -DGRAPH=<file> -DSOURCE_DIR=<dir> -P LayerCheck.cmake
# GRAPH (written at generate time by tests/CMakeLists.txt) sets, for each
# checked target T, LINKS_T: what T links directly, and INCDIRS_T: its
# include path as its sources are compiled (with what its libraries pass
# on). A target's closure is what it links, transitively through the other
# checked targets; it must not hold anything of FORBID_T below, and its
# include path no directory of INCDIR_T. Each folder's sources must not
# include the headers of a library the folder may not use either. With
# -DSELFTEST=ON the script first proves on a made-up graph that it finds a
# forbidden link, a forbidden include directory and a forbidden include.

cmake_minimum_required(VERSION 3.25)

# What each target must never link, directly or not.
set(MLOPS_IO_LIBS PkgConfig::LIBSSH PkgConfig::SQLITE PkgConfig::YAML
    PkgConfig::LIBGIT2)
set(MLOPS_WIRE_LIBS mlops_proto mlops_protocol nng::nng)
set(MLOPS_SERVER_LIBS mlops_slurm mlops_store mlops_config mlops_hydra
    mlops_git mlops_exec mlops_ssh mlops_cluster mlops_rpc mlopsd_core)

set(FORBID_mlops_common ${MLOPS_IO_LIBS} ${MLOPS_WIRE_LIBS} ${MLOPS_SERVER_LIBS})
set(FORBID_mlops_protocol ${MLOPS_IO_LIBS} ${MLOPS_SERVER_LIBS})
set(FORBID_mlops_slurm ${MLOPS_IO_LIBS} ${MLOPS_WIRE_LIBS} mlops_store
    mlops_config mlops_hydra mlops_git mlops_exec mlops_ssh mlops_cluster
    mlops_rpc)
set(FORBID_mlops_store PkgConfig::LIBSSH PkgConfig::YAML PkgConfig::LIBGIT2
    ${MLOPS_WIRE_LIBS} mlops_slurm mlops_config mlops_hydra mlops_git
    mlops_exec mlops_ssh mlops_cluster mlops_rpc)
set(FORBID_mlops_config PkgConfig::LIBSSH PkgConfig::SQLITE
    PkgConfig::LIBGIT2 ${MLOPS_WIRE_LIBS} mlops_slurm mlops_store
    mlops_hydra mlops_git mlops_exec mlops_ssh mlops_cluster mlops_rpc)
set(FORBID_mlops_hydra PkgConfig::LIBSSH PkgConfig::SQLITE PkgConfig::LIBGIT2
    ${MLOPS_WIRE_LIBS} mlops_slurm mlops_store mlops_config mlops_git
    mlops_exec mlops_ssh mlops_cluster mlops_rpc)
set(FORBID_mlops_hydra_syntax ${MLOPS_IO_LIBS} ${MLOPS_WIRE_LIBS}
    ${MLOPS_SERVER_LIBS})
set(FORBID_mlops_git PkgConfig::LIBSSH PkgConfig::SQLITE PkgConfig::YAML
    ${MLOPS_WIRE_LIBS} mlops_slurm mlops_store mlops_config mlops_hydra
    mlops_exec mlops_ssh mlops_cluster mlops_rpc)
set(FORBID_mlops_exec ${MLOPS_IO_LIBS} ${MLOPS_WIRE_LIBS} mlops_slurm
    mlops_store mlops_config mlops_hydra mlops_git mlops_ssh mlops_cluster
    mlops_rpc)
# ssh/ reads a cluster's connection settings from config/'s types.
set(FORBID_mlops_ssh PkgConfig::SQLITE PkgConfig::LIBGIT2
    ${MLOPS_WIRE_LIBS} mlops_slurm mlops_store mlops_hydra mlops_git
    mlops_cluster mlops_rpc)
set(FORBID_mlops_cluster PkgConfig::LIBSSH ${MLOPS_WIRE_LIBS} mlops_ssh
    mlops_rpc mlopsd_core)
set(FORBID_mlops_rpc PkgConfig::LIBSSH mlops_ssh mlopsd_core)
set(FORBID_mlops ${MLOPS_IO_LIBS} ${MLOPS_SERVER_LIBS})
set(FORBID_mlops_gtk_model ${MLOPS_IO_LIBS} ${MLOPS_SERVER_LIBS})
# The desktop app carries no test driver: X11 is the driver's alone.
set(FORBID_mlops_gtk_app ${MLOPS_IO_LIBS} ${MLOPS_SERVER_LIBS} PkgConfig::X11)
set(FORBID_mlops-gtk ${MLOPS_IO_LIBS} ${MLOPS_SERVER_LIBS} PkgConfig::X11)

# Directories (relative to the source tree, with what is under them) that a
# target's include path must not hold: the daemon's headers are private to
# server/, and the Hydra syntax library's internals (common/hydra/) to it
# and to server/hydra (mlops_hydra).
set(MLOPS_DAEMON_DIRS server common/hydra)
set(INCDIR_mlops_common ${MLOPS_DAEMON_DIRS})
set(INCDIR_mlops_protocol ${MLOPS_DAEMON_DIRS})
set(INCDIR_mlops_hydra_syntax server)
set(INCDIR_mlops ${MLOPS_DAEMON_DIRS})
set(INCDIR_mlops_gtk_model ${MLOPS_DAEMON_DIRS})
set(INCDIR_mlops_gtk_app ${MLOPS_DAEMON_DIRS})
set(INCDIR_mlops-gtk ${MLOPS_DAEMON_DIRS})

# Headers each folder's sources must not include (a regex).
set(MLOPS_INC_IO "libssh/|sqlite3\\.h|yaml\\.h|git2|nng/|protobuf-c|pb-c\\.h")
set(INCLUDE_server/slurm "${MLOPS_INC_IO}")
set(INCLUDE_server/store "libssh/|yaml\\.h|git2|nng/|protobuf-c|pb-c\\.h")
set(INCLUDE_server/config "libssh/|sqlite3\\.h|git2|nng/|protobuf-c|pb-c\\.h")
set(INCLUDE_server/hydra "libssh/|sqlite3\\.h|git2|nng/|protobuf-c|pb-c\\.h")
set(INCLUDE_server/git "libssh/|sqlite3\\.h|yaml\\.h|nng/|protobuf-c|pb-c\\.h")
set(INCLUDE_server/exec "${MLOPS_INC_IO}")
set(INCLUDE_server/ssh "sqlite3\\.h|yaml\\.h|git2|nng/|protobuf-c|pb-c\\.h")
set(INCLUDE_server/cluster "libssh/|nng/|protobuf-c|pb-c\\.h|mlops/protocol\\.h|mlops/client\\.h|mlops/types\\.h")
set(INCLUDE_server/rpc "libssh/")
# The clients share the Hydra syntax through <mlops/hydra_syntax.h> only.
set(MLOPS_INC_DAEMON_HYDRA "[\"/]hydra(_impl|_syntax_impl)?\\.h")
set(INCLUDE_client-cli
    "libssh/|sqlite3\\.h|yaml\\.h|git2|${MLOPS_INC_DAEMON_HYDRA}")
set(INCLUDE_client-gtk
    "libssh/|sqlite3\\.h|yaml\\.h|git2|${MLOPS_INC_DAEMON_HYDRA}")

# closure(OUT T): everything T links, through the checked targets.
function(closure out target)
	set(seen "")
	set(todo ${LINKS_${target}})
	while(todo)
		list(POP_FRONT todo item)
		if(item IN_LIST seen)
			continue()
		endif()
		list(APPEND seen ${item})
		if(DEFINED LINKS_${item})
			list(APPEND todo ${LINKS_${item}})
		endif()
	endwhile()
	set(${out} "${seen}" PARENT_SCOPE)
endfunction()

# check_links(OUT): the violations of the FORBID_ rules, one per line.
function(check_links out)
	set(bad "")
	foreach(target ${CHECKED_TARGETS})
		closure(links ${target})
		foreach(forbidden ${FORBID_${target}})
			if(forbidden IN_LIST links)
				string(APPEND bad "${target} links ${forbidden}\n")
			endif()
		endforeach()
	endforeach()
	set(${out} "${bad}" PARENT_SCOPE)
endfunction()

# check_incdirs(OUT ROOT): include directories under ROOT that a target's
# INCDIR_ rule forbids, one per line.
function(check_incdirs out root)
	set(bad "")
	foreach(target ${CHECKED_TARGETS})
		foreach(dir ${INCDIRS_${target}})
			string(FIND "${dir}/" "${root}/" at)
			if(NOT at EQUAL 0)
				continue()
			endif()
			string(LENGTH "${root}/" n)
			string(SUBSTRING "${dir}/" ${n} -1 rel)
			foreach(forbidden ${INCDIR_${target}})
				string(FIND "${rel}" "${forbidden}/" at)
				if(at EQUAL 0)
					string(APPEND bad
					    "${target} has ${dir} on its include path\n")
				endif()
			endforeach()
		endforeach()
	endforeach()
	set(${out} "${bad}" PARENT_SCOPE)
endfunction()

# The faces of rpc/ and ssh/ that daemon.c sees: no wire types and no
# libssh, directly or through the libraries' private headers.
set(MLOPS_FACE_HEADERS server/rpc/rpc.h server/rpc/events.h
    server/ssh/ssh_executor.h server/ssh/sshpool_opts.h)
set(INCLUDE_FACE "libssh/|protobuf-c|pb-c\\.h|sshpool\\.h\"|sshexec\\.h|rpc_call\\.h|events_wire\\.h")

# check_includes(OUT DIR): includes in DIR/<folder> that its rule forbids,
# and in the face headers.
function(check_includes out root)
	set(bad "")
	foreach(h ${MLOPS_FACE_HEADERS})
		if(EXISTS ${root}/${h})
			file(STRINGS ${root}/${h} lines REGEX "^#[ \t]*include[ \t]")
			foreach(line ${lines})
				if(line MATCHES "${INCLUDE_FACE}")
					string(APPEND bad "${root}/${h}: ${line}\n")
				endif()
			endforeach()
		endif()
	endforeach()
	foreach(folder server/slurm server/store server/config server/hydra
	    server/git server/exec server/ssh server/cluster server/rpc
	    client-cli client-gtk)
		file(GLOB files ${root}/${folder}/*.c ${root}/${folder}/*.h)
		foreach(f ${files})
			file(STRINGS ${f} lines REGEX "^#[ \t]*include[ \t]")
			foreach(line ${lines})
				if(line MATCHES "${INCLUDE_${folder}}")
					string(APPEND bad "${f}: ${line}\n")
				endif()
			endforeach()
		endforeach()
	endforeach()
	set(${out} "${bad}" PARENT_SCOPE)
endfunction()

if(SELFTEST)
	# A made-up tree: slurm links the store, the store links libssh, and
	# one slurm/ source includes libssh.
	set(CHECKED_TARGETS mlops_slurm mlops_store)
	set(LINKS_mlops_slurm mlops_common mlops_store)
	set(LINKS_mlops_store PkgConfig::LIBSSH)
	check_links(bad)
	if(NOT bad MATCHES "mlops_slurm links PkgConfig::LIBSSH"
	    OR NOT bad MATCHES "mlops_store links PkgConfig::LIBSSH")
		message(FATAL_ERROR "selftest: the link check missed:\n${bad}")
	endif()
	# ... and the desktop app's model reaches a server/ directory.
	set(CHECKED_TARGETS mlops_gtk_model)
	set(INCDIRS_mlops_gtk_model /src/common/include /src/server/hydra
	    /src/serverless /usr/include)
	check_incdirs(bad /src)
	if(NOT bad STREQUAL "mlops_gtk_model has /src/server/hydra on its include path\n")
		message(FATAL_ERROR "selftest: the include path check said:\n${bad}")
	endif()
	set(tmp ${CMAKE_CURRENT_BINARY_DIR}/layercheck-selftest)
	file(REMOVE_RECURSE ${tmp})
	file(WRITE ${tmp}/server/slurm/x.c "#include <libssh/libssh.h>\n")
	file(WRITE ${tmp}/client-gtk/x.c "#include \"hydra.h\"\n"
	    "#include <mlops/hydra_syntax.h>\n#include \"mlops-hydra-syntax.h\"\n")
	file(WRITE ${tmp}/server/rpc/events.h "#include \"mlops.pb-c.h\"\n")
	file(WRITE ${tmp}/server/ssh/ssh_executor.h "#include \"sshpool.h\"\n"
	    "#include \"sshpool_opts.h\"\n")
	check_includes(bad ${tmp})
	file(REMOVE_RECURSE ${tmp})
	if(NOT bad MATCHES "libssh" OR NOT bad MATCHES "\"hydra\\.h\""
	    OR bad MATCHES "syntax" OR NOT bad MATCHES "events\\.h: #include"
	    OR NOT bad MATCHES "ssh_executor\\.h: #include \"sshpool\\.h\""
	    OR bad MATCHES "sshpool_opts")
		message(FATAL_ERROR "selftest: the include check said:\n${bad}")
	endif()
	message(STATUS
	    "selftest: a forbidden link, include directory and include are found")
endif()

include(${GRAPH})
check_links(bad_links)
check_incdirs(bad_incdirs ${SOURCE_DIR})
check_includes(bad_includes ${SOURCE_DIR})
if(bad_links OR bad_incdirs OR bad_includes)
	message(FATAL_ERROR
	    "the layout's rules are broken (docs/architecture.md):\n"
	    "${bad_links}${bad_incdirs}${bad_includes}")
endif()
list(LENGTH CHECKED_TARGETS n)
message(STATUS "layers: ${n} targets and their folders keep the rules")
