#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/, gitignored) from
# the real Model Spec releases, read at run time: $SPECBOOK_CORPUS (a folder
# holding model-spec-*), else ../shared/corpus beside the repository.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="${SPECBOOK_CORPUS:-$here/../../shared/corpus}"
ls "$src"/model-spec-*/model_spec.md >/dev/null 2>&1 || {
  echo "seed.sh: no model-spec-* release in $src (set SPECBOOK_CORPUS)" >&2
  exit 2
}
out="$here/corpus"
mkdir -p "$out"/{parse_link,conversation,heading,tokenize}
n=0
for release in "$src"/model-spec-*/; do
  name="$(basename "$release")"
  # Whole files: the spec and every eval-prompt file.
  cp "$release/model_spec.md" "$out/parse_link/$name.md"
  for f in "$release"/examples/*.md; do
    cp "$f" "$out/parse_link/$name-$(basename "$f")"
    n=$((n + 1))
  done
  # Conversation bodies (between ~~~xml and ~~~) and heading lines.
  awk -v dir="$out/conversation" -v p="$name" '
    /^~~~xml$/ { inside = 1; k++; file = dir "/" p "-" k; next }
    /^~~~$/ { inside = 0; next }
    inside { print > file }' "$release/model_spec.md"
  grep -h '^#' "$release/model_spec.md" | sed 's/^#* //' | awk -v dir="$out/heading" -v p="$name" \
    '{ print > (dir "/" p "-" NR) }'
  # Prose paragraphs for the tokenizer.
  awk -v dir="$out/tokenize" -v p="$name" 'BEGIN { RS = "" } { print > (dir "/" p "-" NR) }' \
    "$release/model_spec.md"
done
for t in parse_link conversation heading tokenize; do
  echo "$t: $(ls "$out/$t" | wc -l) seeds"
done
