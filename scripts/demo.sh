#!/usr/bin/env bash
# The main job on the sample article. With the real model (cached, or downloaded from the hub) it
# writes real French drafts. Where the hub cannot be reached it says so and runs the same workflow
# on the small random-weight test model, whose French is meaningless.
set -u
article=corpus/en/putin-biden-geneva-summit.txt

translate run "$article"
code=$?
if [ "$code" -eq 3 ]; then
  echo
  echo "*** The model hub cannot be reached and Helsinki-NLP/opus-mt-en-fr is not in the local cache."
  echo "*** Running the same workflow on the random-weight TEST model instead: its French is MEANINGLESS."
  echo
  translate model test-build .cache/test-model || exit $?
  translate run --model .cache/test-model "$article"
  code=$?
fi
exit "$code"
