#!/bin/sh
# Spreads a drsim command over a Slurm job array of SHARDS tasks, then merges
# their parts into PARTS/merged once all have succeeded (afterok):
#
#   deploy/slurm/submit.sh SHARDS PARTS COMMAND FILE [ARGS...]
#   e.g. deploy/slurm/submit.sh 8 parts run scenarios/bank.yaml --trials 1000000 --format json
#
# Run it from the repository's root (or set DRSIM_DEPLOY to the deploy
# directory); drsim must be on the PATH of the compute nodes.
set -eu
if [ "$#" -lt 4 ]; then
    echo "usage: submit.sh SHARDS PARTS COMMAND FILE [ARGS...]" >&2
    exit 2
fi
shards=$1
parts=$2
shift 2
deploy=${DRSIM_DEPLOY:-$(cd "$(dirname "$0")/.." && pwd)}
export DRSIM_DEPLOY="$deploy"
array=$(sbatch --parsable --array="1-$shards" "$deploy/slurm/drsim-array.sbatch" "$parts" "$@")
# The parts' directory reaches the merge through its environment, not
# through the command line, so any name works.
export DRSIM_PARTS="$parts" DRSIM_SHARDS="$shards"
merge=$(sbatch --parsable --dependency="afterok:$array" --job-name=drsim-merge \
    --output=drsim-merge-%j.log --export=ALL \
    --wrap='drsim merge "$DRSIM_PARTS"/part-*-of-"$DRSIM_SHARDS".drsim --quiet -o "$DRSIM_PARTS/merged"')
echo "shards: job $array ($shards tasks); merge: job $merge, writing $parts/merged"
