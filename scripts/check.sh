#!/bin/sh
# The checks npm test runs before jest: the type check and Biome's format and lint, side by side (a few seconds
# each, and neither needs the other). Fails when either does.
set -e
tsc --noEmit -p tsconfig.json &
typecheck=$!
biome ci . &
lint=$!
wait "$typecheck"
wait "$lint"
