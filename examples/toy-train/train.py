#!/usr/bin/env python3
"""A toy "training" run for Mission Control's demo.

It needs nothing beyond python3: it reads its Hydra-style configuration
from conf/ (a tiny YAML subset), applies key=value overrides from the
command line as Hydra would, prints a WandB-style run line, and logs a few
epochs of a falling loss, with a carriage-return progress bar per epoch.
"""
import os
import sys
import time


def load_yaml(path):
    """Reads the small YAML subset this example uses (maps of scalars)."""
    root, stack = {}, [(-1, None)]
    stack[0] = (-1, root)
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip() or line.strip() == "defaults:":
                continue
            if line.lstrip().startswith("- "):
                continue  # the defaults list is read by Mission Control
            indent = len(line) - len(line.lstrip())
            key, _, value = line.strip().partition(":")
            while stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1]
            if value.strip() == "":
                parent[key] = {}
                stack.append((indent, parent[key]))
            else:
                parent[key] = parse(value.strip())
    return root


def parse(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text in ("true", "false"):
        return text == "true"
    return text.strip("'\"")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    cfg = load_yaml(os.path.join(here, "conf", "config.yaml"))
    model = "small"
    for arg in sys.argv[1:]:
        if arg.startswith("model="):
            model = arg.split("=", 1)[1]
    cfg["model"] = load_yaml(os.path.join(here, "conf", "model", model + ".yaml"))
    for arg in sys.argv[1:]:
        key, _, value = arg.lstrip("+").partition("=")
        if key == "model":
            continue
        node = cfg
        *path, leaf = key.split(".")
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = parse(value)

    run_id = os.environ.get("WANDB_RUN_ID", "local-run")
    rank = os.environ.get("SLURM_PROCID", "0")
    print(f"rank {rank}: config {cfg}", flush=True)
    print(f"wandb: 🚀 View run {run_id} at: https://wandb.ai/demo-team/toy-train/runs/{run_id}",
          flush=True)
    loss = 2.0
    epochs = int(cfg["trainer"]["max_epochs"])
    for epoch in range(1, epochs + 1):
        for step in range(0, 101, 25):
            sys.stdout.write(f"\repoch {epoch}/{epochs} [{'#' * (step // 10):<10}] {step:3d}%")
            sys.stdout.flush()
            time.sleep(float(cfg["trainer"]["step_seconds"]))
        loss *= 1.0 - float(cfg["optimizer"]["lr"]) * 10
        sys.stdout.write(f"\repoch {epoch}/{epochs} loss {loss:.4f}\n")
        sys.stdout.flush()
    print(f"done: {epochs} epochs, final loss {loss:.4f}", flush=True)


if __name__ == "__main__":
    main()
