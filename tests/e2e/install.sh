#!/usr/bin/env bash
# Installed like the tools operators know: a copy of the checkout is configured with a
# prefix of its own, built and installed (`meson install`), then the copy and its build are
# removed — nothing of the source tree is left to read — and the demo batch installed under
# share/sohoa/samples runs from the installed executables through delivery to the installed
# registry server. Its records must be the build tree's for the same scans; the man pages
# (one per program, from its --help) and the bash completion work; no installed text file
# names the source or build tree.
. "$(dirname "$0")/../stage/lib.sh"

command -v git >/dev/null || { echo "SKIP: git is not installed"; exit 77; }
src=$WORK/src prefix=$WORK/prefix
mkdir -p "$src"
# the checkout as it is (tracked and new files, not what git ignores)
(cd "$SOHOA_SOURCE" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' | tar -c --null -T - -f -) |
	tar -x -C "$src" || fail "cannot copy the checkout"
meson setup "$WORK/build" "$src" --prefix "$prefix" >"$WORK/setup.log" 2>&1 ||
	fail "meson setup: $(tail -5 "$WORK/setup.log")"
ninja -C "$WORK/build" >"$WORK/build.log" 2>&1 || fail "build: $(tail -5 "$WORK/build.log")"
meson install -C "$WORK/build" >"$WORK/install.log" 2>&1 ||
	fail "meson install: $(tail -5 "$WORK/install.log")"
rm -rf "$src" "$WORK/build"

# what is installed where
for p in sohoa sohoa-scan sohoa-ocr sohoa-validate sohoa-normalize sohoa-review sohoa-sync \
	sohoa-export sohoa-status sohoa-run sohoa-cluster sohoa-registryd sohoa-sample-gen; do
	[ -x "$prefix/bin/$p" ] || fail "$p is not installed in bin/"
	[ -f "$prefix/share/man/man1/$p.1" ] || fail "$p has no man page"
done
checks=$((checks + 1))
expect_match "the front command's man page names it" \
	"$(MANWIDTH=100 man -l "$prefix/share/man/man1/sohoa-run.1" 2>/dev/null | sed -n '/^NAME/,/^SYNOPSIS/p')" \
	"sohoa-run - run every stage over a batch"
expect_match "a stage's man page holds its options, as --help says them" \
	"$(MANWIDTH=100 man -l "$prefix/share/man/man1/sohoa-ocr.1" 2>/dev/null)" \
	"--page-timeout S"
expect_match "and its exit codes" \
	"$(MANWIDTH=100 man -l "$prefix/share/man/man1/sohoa-ocr.1" 2>/dev/null | sed -n '/EXIT STATUS/,$p')" \
	"2 some pages failed"
leaks=$(grep -rlI -e "$WORK/src" -e "$WORK/build" "$prefix" || true)
expect_eq "no installed text file names the source or build tree" "$leaks" ""

# bash completion, as bash-completion loads it
comp() { # WORDS...: what completing the last word offers
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sohoa
		printf "%s\n" "${COMPREPLY[@]}"' comp "$prefix/share/bash-completion/completions/sohoa" "$@"
}
export PATH="$prefix/bin:/usr/bin:/bin"
expect_eq "completion: the stages" "$(comp sohoa r | sort | tr '\n' ' ')" "review run "
expect_match "completion: a stage's options" "$(comp sohoa ocr --p | tr '\n' ' ')" "--page-timeout"
expect_eq "completion: review's sub-commands" "$(comp sohoa review s | sort | tr '\n' ' ')" \
	"sample serve set show "
expect_eq "completion: export formats" "$(comp sohoa export --format "" | sort | tr '\n' ' ')" \
	"csv jsonl moj training "
[ -L "$prefix/share/bash-completion/completions/sohoa-ocr" ] ||
	fail "no completion for the stage executables"

# the demo batch from the installed tree, delivered to the installed registry server
samples=$prefix/share/sohoa/samples/batch
[ -f "$samples/manifest.ini" ] || fail "the demo batch is not installed"
out=$WORK/registry.out
"$prefix/bin/sohoa-registryd" --db "$WORK/registry.db" --listen 127.0.0.1:0 >"$out" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 600); do
	grep -q listening "$out" && break
	sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || fail "the installed registry did not start: $(cat "$out")"
run_status sohoa run --batch "$WORK/installed" --manifest "$samples/manifest.ini" --jobs 2 \
	--endpoint "$url"
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || fail "installed run: exit $status: $(tail -5 "$WORK/stderr")"
checks=$((checks + 1))
synced=$(sql "$WORK/installed" "SELECT count(*) FROM records WHERE status = 'synced'")
[ "$synced" -ge 1 ] || fail "the installed run delivered nothing"
expect_eq "the installed registry holds what was delivered" \
	"$(sqlite3 "$WORK/registry.db" "SELECT count(*) FROM records")" "$synced"

# the same scans through the build tree's executables give the same records
PATH="$SOHOA_BIN:$PATH" run_status "$SOHOA_BIN/sohoa" run --batch "$WORK/built" \
	--manifest "$SOHOA_SOURCE/samples/batch/manifest.ini" --jobs 2 --no-sync
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || fail "build-tree run: exit $status"
records() { # BATCH: each record's place, status (synced counts as valid) and fields
	sql "$1" "SELECT b.type || b.year || '/' || p.page_index || '/' || r.row || ' ' ||
		replace(r.status, 'synced', 'valid') || ' ' || group_concat(f.name || '=' ||
		coalesce(f.value, f.raw, ''), '|')
		FROM records r JOIN books b ON b.id = r.book_id JOIN pages p ON p.id = r.page_id
		JOIN (SELECT * FROM fields ORDER BY name) f ON f.record_id = r.id
		GROUP BY r.id ORDER BY b.type, b.year, p.page_index, r.row"
}
expect_eq "the installed run's records are the build tree's" "$(records "$WORK/installed")" \
	"$(records "$WORK/built")"
done_ok
