#!/usr/bin/env bash
# Stops the daemons start-ceph.sh started, by the PIDs recorded in $CEPH_S3_DIR/run only.
# --wipe also deletes the state dir (the data itself lived in RAM).
set -uo pipefail
D=${CEPH_S3_DIR:-/tmp/skills-ceph-s3}
for n in client.rgw osd.0 mon.a; do
  f="$D/run/$n.pid"
  [ -f "$f" ] || continue
  p=$(cat "$f")
  if kill -0 "$p" 2>/dev/null; then
    kill "$p" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then
      kill -9 "$p" 2>/dev/null
      echo "stop-ceph: $n ($p) killed"
    else
      echo "stop-ceph: $n ($p) stopped"
    fi
  fi
  rm -f "$f"
done
if [ "${1:-}" = --wipe ]; then rm -rf "$D" && echo "stop-ceph: removed $D"; fi
exit 0
