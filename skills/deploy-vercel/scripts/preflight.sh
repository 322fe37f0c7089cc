#!/usr/bin/env sh
# Checks what a Vercel deployment needs, and says plainly what is missing. Changes nothing.
set -u
status=0
if ! command -v vercel >/dev/null 2>&1; then
  echo "missing: the vercel CLI (install it with: npm i -g vercel)"
  status=1
fi
if [ -z "${VERCEL_TOKEN:-}" ] && ! vercel whoami >/dev/null 2>&1; then
  echo "missing: a Vercel login (set VERCEL_TOKEN or run: vercel login)"
  status=1
fi
if command -v git >/dev/null 2>&1 && [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  echo "note: the working tree has uncommitted changes; the deployment will include them"
fi
[ "$status" -eq 0 ] && echo "ready to deploy"
exit "$status"
