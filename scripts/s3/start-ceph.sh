#!/usr/bin/env bash
# Starts a throw-away S3 server on 127.0.0.1 for the S3 suite and for trying the registry on S3:
# Ceph's RADOS Gateway (Debian 12's radosgw, Ceph 16 "Pacific") over a single-node cluster of
# one mon (authentication off) and one OSD on the RAM-backed "memstore". No systemd, no docker.
# Also installs haproxy (the fault tests put registry processes behind it).
#
# Idempotent: when the daemons recorded in the state dir are up and S3 answers, it only prints.
# Output: the line `S3 endpoint http://127.0.0.1:PORT` on stdout, and the env file
# $CEPH_S3_DIR/s3.env (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION, CEPH_S3_DIR).
# Stop with stop-ceph.sh, which kills only the PIDs recorded here.
#
# Settings (environment, all optional):
#   CEPH_S3_DIR      state dir: conf, pids, logs, mon store      default /tmp/skills-ceph-s3
#   S3_PORT          radosgw port                                 default 7480
#   CEPH_MON_PORT    mon port (msgr2)                             default 3300
#   S3_ACCESS_KEY, S3_SECRET_KEY                                  default test-access, test-secret
#   MEMSTORE_BYTES   OSD capacity; memstore keeps data in RAM     default 2 GiB
#   SKIP_APT=1       fail instead of installing missing packages
set -euo pipefail

D=${CEPH_S3_DIR:-/tmp/skills-ceph-s3}
PORT=${S3_PORT:-7480}
MON_PORT=${CEPH_MON_PORT:-3300}
AK=${S3_ACCESS_KEY:-test-access}
SK=${S3_SECRET_KEY:-test-secret}
MEMSTORE_BYTES=${MEMSTORE_BYTES:-2147483648}
T0=$SECONDS
log() { printf '[start-ceph %3ds] %s\n' "$((SECONDS - T0))" "$*" >&2; }
die() {
  log "error: $*"
  for f in "$D"/log/*.log; do [ -f "$f" ] && { echo "--- last lines of $f" >&2; tail -n 15 "$f" >&2; }; done
  exit 1
}
alive() { [ -f "$D/run/$1.pid" ] && kill -0 "$(cat "$D/run/$1.pid")" 2>/dev/null; }
s3_answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null)" = 200 ]; }
announce() {
  cat >"$D/s3.env" <<ENV
S3_ENDPOINT=http://127.0.0.1:$PORT
S3_ACCESS_KEY=$AK
S3_SECRET_KEY=$SK
S3_REGION=us-east-1
CEPH_S3_DIR=$D
ENV
  echo "S3 endpoint http://127.0.0.1:$PORT (env file $D/s3.env)"
}

if alive mon.a && alive osd.0 && alive client.rgw && s3_answers; then
  log "already running"
  announce
  exit 0
fi

# ---- packages ------------------------------------------------------------------------------
missing=()
for pair in ceph-mon:ceph-mon ceph-osd:ceph-osd radosgw:radosgw radosgw-admin:radosgw \
  ceph:ceph-common monmaptool:ceph-base haproxy:haproxy curl:curl uuidgen:uuid-runtime; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "${SKIP_APT:-0}" = 1 ] && die "missing ${missing[*]} and SKIP_APT=1"
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # --force-unsafe-io: dpkg's fsyncs are most of the install time, and this is a throw-away setup.
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-unsafe-io \
    -o DPkg::Lock::Timeout=300 ceph-mon ceph-osd radosgw ceph-common "${missing[@]}" \
    >/tmp/start-ceph-apt.log 2>&1 || { tail -20 /tmp/start-ceph-apt.log >&2; die "apt-get install failed"; }
  log "installed"
fi

# ---- a fresh cluster -----------------------------------------------------------------------
# Whatever is left of an earlier attempt is stopped by its recorded PID, then wiped.
"$(dirname "$0")/stop-ceph.sh" >/dev/null 2>&1 || true
rm -rf "$D"
mkdir -p "$D"/{mon.a,osd.0,rgw,run,log,crash}
FSID=$(uuidgen)
cat >"$D/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
# radosgw asks for a "secure" mon session by default, which cannot happen without cephx: it then
# waits 300 s and fails. crc mode works without authentication.
ms mon client mode = crc secure
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
log file = $D/log/\$name.log
crash dir = $D/crash
# one OSD: one replica, few placement groups
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
rados mon op timeout = 30
client mount timeout = 30
[mon]
mon data = $D/mon.\$id
# commit map changes at once (the default 1 s batching makes each pool command take ~1 s)
paxos propose interval = 0.05
paxos min wait = 0.01
mon cluster log file = $D/log/cluster.log
[osd]
osd data = $D/osd.\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
[client.rgw]
# tcp_nodelay: without it small GETs wait on Nagle (p50 ~50 ms instead of ~10 ms)
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw data = $D/rgw
rgw dns name = 127.0.0.1
CONF
C=(-c "$D/ceph.conf")
ceph_cli() { timeout 30 ceph "${C[@]}" --connect-timeout 20 "$@"; }

log "mon"
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$D/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap" >"$D/log/mkfs.log" 2>&1 || die "mon mkfs"
ceph-mon "${C[@]}" -i a || die "mon start"
ceph_cli mon stat >/dev/null 2>&1 || die "the mon does not answer"

log "osd"
OSD_UUID=$(uuidgen)
ID=$(ceph_cli osd new "$OSD_UUID") || die "osd new"
[ "$ID" = 0 ] || die "unexpected osd id $ID"
ceph-osd "${C[@]}" -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$D/log/mkfs.log" 2>&1 || die "osd mkfs"
ceph-osd "${C[@]}" -i 0 >>"$D/log/mkfs.log" 2>&1 || die "osd start"
for i in $(seq 120); do
  ceph_cli osd dump 2>/dev/null | grep -q '^osd.0 up' && break
  [ "$i" = 120 ] && die "osd.0 did not come up"
  sleep 0.25
done

log "pools"
# One ceph process for every command: each CLI start costs about a second of Python.
POOLS=".rgw.root default.rgw.log default.rgw.control default.rgw.meta default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec"
{ for p in $POOLS; do echo "osd pool create $p 8 8"; echo "osd pool application enable $p rgw"; done; } |
  timeout 60 ceph "${C[@]}" >"$D/log/pools.log" 2>&1 || die "pool create"
[ "$(ceph_cli osd pool ls | wc -l)" -ge 7 ] || die "pools missing"

log "radosgw"
"$(dirname "$0")/rgw.sh" start || die "radosgw did not start"

log "s3 user"
timeout 60 radosgw-admin "${C[@]}" -n client.admin user info --uid=test >/dev/null 2>&1 ||
  timeout 60 radosgw-admin "${C[@]}" -n client.admin user create --uid=test --display-name=test \
    --access-key="$AK" --secret="$SK" >"$D/log/user.json" 2>&1 || die "user create"
log "ready (mon $(cat "$D/run/mon.a.pid"), osd $(cat "$D/run/osd.0.pid"), rgw $(cat "$D/run/client.rgw.pid"))"
announce
