/**
 * The host side of the command channel: a POSIX sh read-eval loop, and how a request is put on
 * the wire. Kept tiny and in plain sh so it runs in dash, bash, busybox ash (the QEMU guest) and
 * zsh's sh emulation alike.
 *
 * Why these tty settings: -echo so requests are not echoed back; -icanon so a line has no 4096
 * byte limit; -icrnl -ixon -iexten -opost so bytes pass unaltered both ways; noflsh so the
 * SIGINT we send to cancel a command does not flush the queued input and output (the frames).
 * ISIG stays on: Ctrl-C is how a running command is interrupted, and the loop traps it.
 * stderr goes to a mktemp file: a name from the pid would collide with a file left by a killed
 * loop of another user (sticky /tmp: "Permission denied"), and could be a planted symlink.
 */
export function channelLoopScript(nonce: string): string {
  return `stty -echo -icanon -icrnl -ixon -iexten -opost noflsh min 1 time 0 2>/dev/null
e=$(mktemp "\${TMPDIR:-/tmp}/.numalab-ch.XXXXXX") || exit 1
trap 'rm -f "$e"' EXIT
trap ':' INT
export LC_ALL=C
unset HISTFILE
printf '\\036R%s\\036\\n' '${nonce}'
while :; do
  IFS=' ' read -r i n; rr=$?
  if [ "$rr" -ne 0 ]; then [ "$rr" -gt 128 ] && continue; exit 0; fi
  [ -z "$i" ] && continue
  case $n in
    b64) IFS= read -r l; s=$(printf '%s\\n' "$l" | base64 -d) ;;
    *) s=''; while [ "$n" -gt 0 ]; do IFS= read -r l; s="$s$l
"; n=$((n-1)); done ;;
  esac
  printf '\\036B%s\\036' "$i"
  ( eval "$s" ) </dev/null 2>"$e"
  r=$?
  printf '\\036E%s %s\\036' "$i" "$r"
  [ -s "$e" ] && base64 <"$e"
  printf '\\036Z%s\\036\\n' "$i"
done
`;
}

/** Control bytes other than tab and newline would be taken by the tty (signals) or the loop. */
const UNSAFE_FOR_RAW = /[\x00-\x08\x0b-\x1f\x7f]/;

/** A request: the script as plain lines (the fast path) or, if it holds control bytes, base64. */
export function encodeRequest(id: string, script: string): string {
  if (!UNSAFE_FOR_RAW.test(script)) {
    const lines = script.replace(/\n+$/, '').split('\n');
    return `${id} ${lines.length}\n${lines.join('\n')}\n`;
  }
  return `${id} b64\n${Buffer.from(script, 'utf8').toString('base64')}\n`;
}
