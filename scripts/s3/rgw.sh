#!/usr/bin/env bash
# Stops or starts only the radosgw daemon of the cluster start-ceph.sh made (the S3 endpoint),
# leaving the mon and OSD (and so the data) alone: the fault tests use it to take S3 away.
#   rgw.sh stop | rgw.sh start
set -euo pipefail
D=${CEPH_S3_DIR:-/tmp/skills-ceph-s3}
[ -f "$D/ceph.conf" ] || { echo "rgw.sh: no cluster in $D (run start-ceph.sh)" >&2; exit 1; }
PORT=$(sed -n 's/.*beast endpoint=127.0.0.1:\([0-9]*\).*/\1/p' "$D/ceph.conf")
pidfile="$D/run/client.rgw.pid"
case "${1:-}" in
stop)
  [ -f "$pidfile" ] || exit 0
  p=$(cat "$pidfile")
  if kill -0 "$p" 2>/dev/null; then
    kill "$p"
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p"
  fi
  rm -f "$pidfile"
  ;;
start)
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then exit 0; fi
  timeout 60 radosgw -c "$D/ceph.conf" -n client.rgw
  for _ in $(seq 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/")" = 200 ] && exit 0
    sleep 0.25
  done
  echo "rgw.sh: radosgw does not answer on :$PORT" >&2
  exit 1
  ;;
*)
  echo "usage: rgw.sh stop|start" >&2
  exit 2
  ;;
esac
