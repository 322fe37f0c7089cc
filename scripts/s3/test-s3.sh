#!/usr/bin/env bash
# The S3 suite: starts Ceph RGW (scripts/s3/start-ceph.sh, which installs ceph and haproxy when
# missing), builds, then runs the S3 blob-store contract and the scale-out fault tests against it
# (PostgreSQL from DATABASE_URL, default the local test database). Ceph is left running for the
# next run; scripts/s3/stop-ceph.sh stops it.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
# The AWS SDK warns once per process that its 2027 releases will need Node 22; this one works on 20.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
scripts/s3/start-ceph.sh
export SKILLS_TEST_S3="${CEPH_S3_DIR:-/tmp/skills-ceph-s3}/s3.env"
npx turbo run build --filter=@skills/registry... --output-logs=errors-only
cd registry
npx vitest run test/s3-blob-store.test.ts test/scale-out.test.ts
