#!/usr/bin/env bash
# `make demo`: the whole path of one article, in a scratch workspace git ignores (demo-workspace/),
# so the repository is left as it was. With the real model (cached, or downloaded from the hub) the
# drafts are real French. Where the hub cannot be reached it says so and runs the same workflow on
# the small random-weight test model, whose French is meaningless.
set -u
article=corpus/en/putin-biden-geneva-summit.txt
slug=putin-biden-geneva-summit
ws=demo-workspace
work=$ws/work

step() { echo; echo "== $*"; }

rm -rf "$ws"
mkdir -p "$work" "$ws/handoff" "$ws/fr"
echo "Scratch workspace: $ws/ (git-ignored; removed and rebuilt by each 'make demo')"

step "1. Machine translation: translate run --workdir $work $article"
model_opt=()
translate run --workdir "$work" "$article"
code=$?
if [ "$code" -eq 3 ]; then
  echo
  echo "*** The model hub cannot be reached and Helsinki-NLP/opus-mt-en-fr is not in the local cache."
  echo "*** Running the same workflow on the random-weight TEST model instead: its French is MEANINGLESS."
  echo
  translate model test-build .cache/test-model || exit $?
  model_opt=(--model .cache/test-model)
  translate run --workdir "$work" "${model_opt[@]}" "$article" || exit $?
elif [ "$code" -ne 0 ]; then
  exit "$code"
fi

step "2. Hand-off to the translator: translate pair export $slug --format xliff12 -o $ws/handoff/$slug.xlf"
translate pair export "$slug" --workdir "$work" --format xliff12 -o "$ws/handoff/$slug.xlf" || exit $?

step "3. The translator post-edits in a CAT tool (here a script: one target rewritten, all signed off)"
python scripts/demo_post_edit.py "$ws/handoff/$slug.xlf" || exit $?

step "4. Back from the translator: translate pair import $ws/handoff/$slug.xlf"
translate pair import "$ws/handoff/$slug.xlf" --workdir "$work" --by translator || exit $?

step "5. What the translator changed: translate review diff $slug --edited"
translate review diff "$slug" --workdir "$work" --edited --no-color || exit $?

step "6. The desk approves: translate review approve $slug --by desk"
translate review approve "$slug" --workdir "$work" --by desk || exit $?

step "7. Automatic QA, riskiest segments first: translate qa $slug --top 3 (exit 1 while errors remain)"
translate qa "$slug" --workdir "$work" --top 3 --no-write
echo "(exit code $?)"
python scripts/demo_waive.py "$work" "$slug" || exit $?

step "8. Publish: translate publish $slug --out $ws/fr --index $ws/index.json"
translate publish "$slug" --workdir "$work" --out "$ws/fr" --index "$ws/index.json" || exit $?

step "Files written (all under $ws/)"
find "$ws" -type f ! -name '*.lock' ! -name '.*' -printf '%8s bytes  %p\n' | sort -k3
