#!/bin/sh
# Runs this task's shard of a drsim command on a cluster and writes its part
# to PARTS/part-I-of-N.drsim; `drsim merge PARTS/part-*-of-N.drsim` then
# prints exactly what one machine running every trial prints.
#
#   shard.sh PARTS COMMAND FILE [ARGS...]
#   e.g. shard.sh /parts run /scenario/scenario.yaml --trials 1000000
#
# Which shard this task is comes from the engine that started it:
#   Kubernetes Indexed Job  JOB_COMPLETION_INDEX (from 0), and DRSIM_SHARDS
#                           set to the Job's completions
#   Slurm job array         SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and
#                           SLURM_ARRAY_TASK_COUNT (a contiguous --array=1-N)
#   anything else           DRSIM_SHARD (from 1) and DRSIM_SHARDS
# DRSIM names the binary (default: drsim on the PATH).
set -eu

if [ "$#" -lt 3 ]; then
    echo "usage: shard.sh PARTS COMMAND FILE [ARGS...]" >&2
    exit 2
fi
parts=$1
shift

if [ -n "${JOB_COMPLETION_INDEX:-}" ]; then
    index=$((JOB_COMPLETION_INDEX + 1))
    count=${DRSIM_SHARDS:?set DRSIM_SHARDS to the completions of the Job}
elif [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
    index=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-1} + 1))
    count=${SLURM_ARRAY_TASK_COUNT:?run this as a Slurm job array, e.g. sbatch --array=1-8}
else
    index=${DRSIM_SHARD:?set DRSIM_SHARD (from 1) and DRSIM_SHARDS, or run under a Kubernetes Indexed Job or a Slurm array}
    count=${DRSIM_SHARDS:?set DRSIM_SHARDS to the number of shards}
fi

mkdir -p "$parts"
exec "${DRSIM:-drsim}" "$@" --shard "$index/$count" --quiet -o "$parts/part-$index-of-$count.drsim"
