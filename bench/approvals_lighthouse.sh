#!/usr/bin/env bash
# Lighthouse mobile audit of the approvals inbox and a document page, signed in as manager01.
# Needs the demo data (make setup), a running portal on $BASE (make run), node and
# `npm i -E lighthouse@12.2.3` in $LH_DIR. Prints the three category scores per page.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8000}
LH_DIR=${LH_DIR:-/tmp/lighthouse}
PY=${PY:-.venv/bin/python}
read -r SESSION DOC < <("$PY" - <<'PYEOF'
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from accounts.models import User
from approvals.selectors import inbox_for
user = User.objects.get(username="manager01")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.filter(confirmed=True).first().persistent_id
session.create()
print(session.session_key, inbox_for(user).first().pk)
PYEOF
)
for page in "approvals/" "approvals/$DOC/"; do
  out=$(mktemp)
  CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} "$LH_DIR/node_modules/.bin/lighthouse" "$BASE/$page" \
    --quiet --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --extra-headers="{\"Cookie\":\"sessionid=$SESSION\"}" \
    --only-categories=performance,accessibility,best-practices --output=json --output-path="$out"
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], {k: round(v['score']*100) for k, v in r['categories'].items()})" "$out" "/$page"
  rm -f "$out"
done
