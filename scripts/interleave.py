#!/usr/bin/env python3
"""Times whole processes interleaved: run 1 of every command, then run 2 of every command...

    scripts/interleave.py RUNS WARMUP 'CMD A' 'CMD B' ...   (prints one JSON object)

On a shared or virtual machine whose speed drifts by tens of percent within minutes, timing
one command's runs and then the other's compares two different machines. Interleaved, every
command sees the same drift, so the ratio of the medians holds even when the medians move.

Commands are split like a shell would (shlex) and started without a shell (posix_spawn),
stdout and stderr to /dev/null; a leading NAME=VALUE sets an environment variable. WARMUP
rounds are run first and not timed. Prints {"medians_s": [...], "runs": RUNS, "commands": [...]},
medians in seconds, in the order of the commands. Exits 1 if a command fails.

`{run}` in a command becomes the round's number (warm-up rounds included), so that each run
can write into a folder of its own: a full build then never runs beside the deletion of
the previous run's thousands of files (on an ext4 without a journal the kernel skips every
inode freed in the last minute one by one, which would be timed as brief's).
"""
import json
import os
import shlex
import statistics
import sys
import time


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    runs, warmup = int(sys.argv[1]), int(sys.argv[2])
    commands = sys.argv[3:]
    parsed = []
    for c in commands:
        args, env = shlex.split(c), dict(os.environ)
        while args and "=" in args[0] and not args[0].startswith("/"):
            k, v = args.pop(0).split("=", 1)
            env[k] = v
        parsed.append((args, env))
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    times = [[] for _ in parsed]
    for r in range(warmup + runs):
        for i, (args, env) in enumerate(parsed):
            argv = [a.replace("{run}", str(r)) for a in args]
            t0 = time.perf_counter()
            pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions)
            _, status = os.waitpid(pid, 0)
            elapsed = time.perf_counter() - t0
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit("command failed: " + commands[i])
            if r >= warmup:
                times[i].append(elapsed)
    print(json.dumps({"medians_s": [statistics.median(t) for t in times], "runs": runs, "commands": commands}))


if __name__ == "__main__":
    main()
