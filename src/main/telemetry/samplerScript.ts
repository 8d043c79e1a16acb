/**
 * The fallback sampler (the lab runs resources/sampler/numalab-sampler.c where it can: see
 * deploySampler.ts; this loop where it cannot, e.g. a host that is not x86-64 or refused the
 * upload, with the reason in the run's meta), printing the same stream.
 *
 * The sampler that runs ON the host: one long-lived POSIX sh loop, started on a dedicated
 * command channel and stopped with ^C (SIGINT, trapped). It prints the frames FrameParser reads
 * (src/shared/telemetry/frameParser.ts).
 *
 * Cost per tick, because it runs at 10 Hz on the machine under test:
 * - clock: /proc/timer_list's "now at N nsecs" (CLOCK_MONOTONIC, ns; root only) or /proc/uptime
 *   (centiseconds), read with the `read` builtin: no process;
 * - /proc/vmstat: the `read -d ''` builtin under bash (no process), else one `cat`;
 * - sleep: `read -t` on a private FIFO nobody writes (bash, busybox ash: no process), else
 *   `sleep` with fractional seconds (dash). Sleeps aim at absolute deadlines, so the rate does
 *   not drift by the loop's own work;
 * - every `extraEvery` ticks: per-node numastat and meminfo (MemFree, MemUsed, AnonHugePages,
 *   ShmemHugePages, FileHugePages) and mTHP hugepages-*kB/stats/*, all through builtins.
 * The kernel log is a second writer: `cat /dev/kmsg` piped through a builtin loop that drops
 * records older than the sampler's start and continuation lines, printing `@K <record>` lines
 * in one write each (the parser accepts them between any two lines).
 * The loop prefers bash when the host has it (fork-free ticks), else runs in the shell it got.
 * Only integers the lab computed go into the script: nothing user-typed reaches it.
 */
export interface SamplerScriptOptions {
  rateHz: number;
  /** Per-node and mTHP files every this many ticks (>= 1). */
  extraEvery: number;
  kmsg: boolean;
}

export function samplerScript(o: SamplerScriptOptions): string {
  const periodUs = Math.round(1e6 / o.rateHz);
  const every = Math.max(1, Math.floor(o.extraEvery));
  if (!Number.isInteger(periodUs) || periodUs < 10000 || periodUs > 10_000_000) throw new Error(`sampling rate out of range: ${o.rateHz} Hz`);
  const body = `P=${periodUs}; K=${every}; KM=${o.kmsg ? 1 : 0}
${LOOP}`;
  // The body travels as a quoted here-document, so bash can be exec'd on exactly the same text.
  return `b=$(cat <<'NUMALAB_SAMPLER_EOF'
${body}
NUMALAB_SAMPLER_EOF
)
if [ -z "$BASH_VERSION" ] && command -v bash >/dev/null 2>&1; then exec bash -c "$b" numalab-sampler; fi
eval "$b"
`;
}

const LOOP = `T="\${TMPDIR:-/tmp}"; pf="$T/.numalab-kmsg-$$"; ff="$T/.numalab-tick-$$"; kp=''
cleanup() {
  [ -n "$kp" ] && kill "$kp" 2>/dev/null
  if [ -s "$pf" ]; then read -r cp <"$pf"; [ -n "$cp" ] && kill "$cp" 2>/dev/null; fi
  rm -f "$pf" "$ff"
}
trap 'cleanup; exit 0' INT TERM HUP
trap cleanup EXIT
CK=c
if [ -r /proc/timer_list ] && { read -r _a; read -r _a; read -r _a _b _n _c; } </proc/timer_list 2>/dev/null && [ "$_a" = now ]; then CK=n; fi
now() {
  if [ $CK = n ]; then
    { read -r _a; read -r _a; read -r _a _b NOW _c; } </proc/timer_list; NU=$((NOW / 1000))
  else
    read -r _u _i </proc/uptime; NOW=\${_u%.*}\${_u#*.}
    while :; do case $NOW in 0?*) NOW=\${NOW#0} ;; *) break ;; esac; done
    NU=$((NOW * 10000))
  fi
}
RT=''
if mkfifo "$ff" 2>/dev/null && exec 3<>"$ff"; then
  read -t 0.001 _x <&3 2>/dev/null; r=$?
  if [ $r -eq 1 ] || [ $r -gt 128 ]; then RT=1; fi
fi
pause() {
  _f=$(($1 % 1000000)); _f=00000$_f; _f=\${_f#"\${_f%??????}"}
  if [ -n "$RT" ]; then read -t "$(($1 / 1000000)).$_f" _x <&3; else sleep "$(($1 / 1000000)).$_f"; fi
}
if [ -n "$BASH_VERSION" ]; then
  vm() { IFS= read -r -d '' V </proc/vmstat; printf '%s' "$V"; }
else
  vm() { cat /proc/vmstat; }
fi
extras() {
  for d in /sys/devices/system/node/node[0-9]*; do
    [ -d "$d" ] || continue; n=\${d##*/node}
    if [ -r "$d/numastat" ]; then while read -r k v; do printf 'numastat.node%s.%s %s\\n' "$n" "$k" "$v"; done <"$d/numastat"; fi
    if [ -r "$d/meminfo" ]; then
      while read -r _n _i k v _u; do
        case $k in MemFree:|MemUsed:|AnonHugePages:|ShmemHugePages:|FileHugePages:) printf 'meminfo.node%s.%s %s\\n' "$n" "\${k%:}" "$v" ;; esac
      done <"$d/meminfo"
    fi
  done
  for f in /sys/kernel/mm/transparent_hugepage/hugepages-*kB/stats/*; do
    [ -r "$f" ] || continue; s=\${f%/stats/*}; s=\${s##*/hugepages-}
    read -r v <"$f" && printf 'mthp.%s.%s %s\\n' "$s" "\${f##*/}" "$v"
  done
}
now
_k=''; read -r _k </proc/sys/kernel/osrelease 2>/dev/null
printf '@I kernel %s\\n' "$_k"
printf '@I shell %s\\n@I clock %s\\n@I period_us %s\\n@I fork_free_sleep %s\\n' "\${BASH_VERSION:+bash }\${BASH_VERSION:-sh}" "$CK" "$P" "\${RT:-0}"
if [ "$KM" = 1 ]; then
  if [ -r /dev/kmsg ]; then
    k0=$NU
    { sh -c 'echo $$ >"$1"; exec cat /dev/kmsg' numalab-kmsg "$pf" 2>/dev/null; } | while IFS= read -r l; do
      case $l in ' '*|'') continue ;; esac
      h=\${l%%;*}; u=\${h#*,}; u=\${u#*,}; u=\${u%%,*}
      case $u in ''|*[!0-9]*) continue ;; esac
      [ "$u" -lt "$k0" ] && continue
      printf '@K %s\\n' "$l"
    done &
    kp=$!
    printf '@I kmsg /dev/kmsg\\n'
  else
    printf '@X kmsg /dev/kmsg is not readable here (needs root or kernel.dmesg_restrict=0); kernel-log events are off\\n'
  fi
fi
i=0; next=$NU
while :; do
  printf '@T %s %s%s\\n' "$i" "$CK" "$NOW"
  vm
  if [ $((i % K)) -eq 0 ]; then extras; fi
  printf '@E %s\\n' "$i"
  i=$((i + 1)); next=$((next + P))
  now
  s=$((next - NU))
  if [ "$s" -gt 0 ]; then pause "$s"; now
  elif [ "$s" -lt $((-P)) ]; then next=$NU; fi
done
`;
