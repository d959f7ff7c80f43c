#!/bin/bash
# The deployment guide (docs/deployment.md), followed as written, as root, on a throwaway Debian 12
# machine (it installs packages, makes a user, writes /etc, /opt and /var): NOT for CI or a machine
# you care about. Where the guide needs what such a machine may lack (systemd as PID 1, Let's
# Encrypt, Telegram itself), the step is done the nearest way and says so. The code is cloned from
# HOTLINE_REPO (default: the repository this script is in).
#
#     bash .ci/deployment-drill.sh
set -euo pipefail
step() { echo; echo "=== $*"; }
step "Install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv git >/dev/null
id hotline 2>/dev/null || useradd --system --home-dir /var/lib/hotline --create-home --shell /usr/sbin/nologin hotline
chmod 750 /var/lib/hotline
rm -rf /opt/hotline
git clone -q "${HOTLINE_REPO:-$(cd "$(dirname "$0")/.." && pwd)}" /opt/hotline   # the guide: your copy
/usr/bin/python3 -m venv /opt/hotline/.venv
/opt/hotline/.venv/bin/pip install -q --require-hashes -r /opt/hotline/requirements.lock 2>&1 | grep -v "is ignored" || true
/opt/hotline/.venv/bin/pip install -q --no-deps /opt/hotline 2>&1 | grep -v "is ignored" || true
/opt/hotline/.venv/bin/pip list 2>/dev/null | grep -Ei "pytest|ruff|mypy|hypothesis" && echo "TEST TOOLS PRESENT" || echo "no test tools in production: ok"
getent passwd hotline; stat -c '%a %U %n' /var/lib/hotline

step "Settings"
install -d -m 750 -o root -g hotline /etc/hotline
install -m 640 -o root -g hotline /dev/null /etc/hotline/hotline.env
install -m 640 -o root -g hotline /dev/null /etc/hotline/data-key.env
PASSWORD=$(openssl rand -hex 24)
cat > /etc/hotline/hotline.env <<ENV
HOTLINE_BOT_TOKEN="123456789:hotline-emulator-token-000000000000"
HOTLINE_TELEGRAM_API="http://127.0.0.1:18481"
HOTLINE_OFFICER_CHAT_ID="-1001234567890"
HOTLINE_STAFF_IDS="111,222"
HOTLINE_SUPERVISOR_IDS="333"
HOTLINE_HOTLINE_PHONE="+855 23 000 000"
HOTLINE_DATABASE_URL="postgresql+asyncpg://hotline:$PASSWORD@127.0.0.1:5432/hotline"
HOTLINE_WEBHOOK_URL="https://hotline.example.org/webhook"
HOTLINE_WEBHOOK_SECRET="$(openssl rand -hex 32)"
HOTLINE_RETENTION_DAYS="180"
ENV
printf 'HOTLINE_DATA_KEY="%s"\n' "$(/opt/hotline/.venv/bin/hotline keys new)" > /etc/hotline/data-key.env
ls -l /etc/hotline
cat > /usr/local/sbin/hotline-admin <<'SH'
#!/bin/sh
# hotline-admin COMMAND [ARGS]: the hotline command as the hotline user, with its settings
exec runuser -u hotline -- sh -c 'set -a; . /etc/hotline/hotline.env; . /etc/hotline/data-key.env; set +a;
  cd /var/lib/hotline && umask 077 && exec /opt/hotline/.venv/bin/hotline "$@"' hotline-admin "$@"
SH
chmod 750 /usr/local/sbin/hotline-admin
hotline-admin --help | head -2
runuser -u hotline -- sh -c 'set -a; . /etc/hotline/hotline.env; echo "the phone with its spaces, read by the shell: [$HOTLINE_HOTLINE_PHONE]"'

step "PostgreSQL"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
pg_lsclusters
pg_ctlcluster 15 main start 2>/dev/null || true       # the guide: systemd starts it
runuser -u postgres -- psql -qc "DROP DATABASE IF EXISTS hotline" ; runuser -u postgres -- psql -qc "DROP ROLE IF EXISTS hotline"
runuser -u postgres -- psql -qc "CREATE ROLE hotline LOGIN PASSWORD '$PASSWORD'"
runuser -u postgres -- createdb --owner hotline hotline
cat >> /etc/postgresql/15/main/postgresql.conf <<'CONF'
tcp_keepalives_idle = 10
tcp_keepalives_interval = 5
tcp_keepalives_count = 3
CONF
pg_ctlcluster 15 main restart
hotline-admin db upgrade

step "Telegram: the emulator stands in for it (no internet here)"
runuser -u hotline -- sh -c 'cd /var/lib/hotline && exec /opt/hotline/.venv/bin/hotline emulator --port 18481' > /tmp/drill-emulator.log 2>&1 &
sleep 3

step "Three workers (systemd is not PID 1 here: the unit's command, user, folder and settings, by hand)"
for port in 8081 8082 8083; do
  runuser -u hotline -- sh -c "set -a; . /etc/hotline/hotline.env; . /etc/hotline/data-key.env; set +a; export HOTLINE_WEBHOOK_PORT=$port; cd /var/lib/hotline; umask 077; exec /opt/hotline/.venv/bin/hotline run --webhook" > /tmp/drill-worker-$port.log 2>&1 &
done
for port in 8081 8082 8083; do until curl -sf 127.0.0.1:$port/health >/dev/null; do sleep 1; done; echo "$port: $(curl -s 127.0.0.1:$port/health)"; done
for port in 8081 8082 8083; do curl -s 127.0.0.1:$port/health; echo; done | grep -c sender

step "nginx (Let's Encrypt cannot be reached here: a self-signed certificate at its path)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx certbot >/dev/null
rm -f /etc/nginx/sites-enabled/default
mkdir -p /var/www/letsencrypt
cat > /etc/nginx/sites-available/hotline <<'NGINX'
server {
    listen 80;
    server_name hotline.example.org;
    server_tokens off;
    location /.well-known/acme-challenge/ { root /var/www/letsencrypt; }
    location / { return 404; }
}
NGINX
ln -sf /etc/nginx/sites-available/hotline /etc/nginx/sites-enabled/hotline
nginx -t 2>&1 | tail -1
pgrep -x nginx >/dev/null && nginx -s reload || nginx
mkdir -p /var/www/letsencrypt/.well-known/acme-challenge && echo probe > /var/www/letsencrypt/.well-known/acme-challenge/probe
echo "challenge over http: $(curl -s -H 'Host: hotline.example.org' http://127.0.0.1/.well-known/acme-challenge/probe)"
mkdir -p /etc/letsencrypt/live/hotline.example.org
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=hotline.example.org -keyout /etc/letsencrypt/live/hotline.example.org/privkey.pem -out /etc/letsencrypt/live/hotline.example.org/fullchain.pem 2>/dev/null
sed -n '/^limit_req_zone/,/^```$/p' /opt/hotline/docs/deployment.md | sed '$d' > /etc/nginx/sites-available/hotline
nginx -t 2>&1 | tail -1 && nginx -s reload
sleep 1
SECRET=$(sed -n 's/^HOTLINE_WEBHOOK_SECRET="\(.*\)"/\1/p' /etc/hotline/hotline.env)
curl -s -X POST -H 'Content-Type: application/json' -d '{"user": {"id": 5001, "first_name": "Siti", "language_code": "id"}, "text": "halo"}' http://127.0.0.1:18481/_emulator/send > /dev/null   # the citizen exists at "Telegram"
UPDATE='{"update_id": 9001, "message": {"message_id": 1, "date": 1700000000, "chat": {"id": 5001, "type": "private"}, "from": {"id": 5001, "is_bot": false, "first_name": "Siti", "language_code": "id"}, "text": "/start"}}'
echo "a citizen's /start through nginx: $(curl -sk -o /dev/null -w '%{http_code}' --resolve hotline.example.org:443:127.0.0.1 -H "X-Telegram-Bot-Api-Secret-Token: $SECRET" -H 'Content-Type: application/json' -d "$UPDATE" https://hotline.example.org/webhook)"
echo "without the secret: $(curl -sk -o /dev/null -w '%{http_code}' --resolve hotline.example.org:443:127.0.0.1 -d "$UPDATE" https://hotline.example.org/webhook)"
echo "/health through nginx: $(curl -sk -o /dev/null -w '%{http_code}' --resolve hotline.example.org:443:127.0.0.1 https://hotline.example.org/health)"
echo "Server header: $(curl -skI --resolve hotline.example.org:443:127.0.0.1 https://hotline.example.org/ | grep -i '^server:')"
sleep 2
curl -s "http://127.0.0.1:18481/_emulator/transcript?chat_id=5001" | python3 -c 'import json,sys; t=json.load(sys.stdin)["result"]; print("the welcome reached the citizen:", any("setuju" in (e.get("text") or "") for e in t))'

step "Backups"
install -d -m 700 -o postgres -g postgres /var/backups/hotline
sed -n '/^cat > \/usr\/local\/sbin\/hotline-backup/,/^SH$/p' /opt/hotline/docs/deployment.md | sed '1d;$d' > /usr/local/sbin/hotline-backup
chmod 755 /usr/local/sbin/hotline-backup
runuser -u postgres -- /usr/local/sbin/hotline-backup      # the guide: the timer's service, as postgres
ls -l /var/backups/hotline
DUMP=$(ls /var/backups/hotline/*.dump | tail -1)

step "Restore drill"
for port in 8081 8082 8083; do true; done
pkill -TERM -f "hotline run --webhook" || true; sleep 4
runuser -u postgres -- dropdb hotline
runuser -u postgres -- createdb --owner hotline hotline
runuser -u postgres -- pg_restore --dbname=hotline --no-owner --role=hotline "$DUMP"
hotline-admin db upgrade
hotline-admin export --format csv --out /var/lib/hotline/cases.csv
stat -c '%a %U %n' /var/lib/hotline/cases.csv
hotline-admin export --format csv --out /var/lib/hotline/cases.csv || echo "(refused, as the guide says)"

step "Upgrading: the rolling restart, each worker waited for"
for port in 8081 8082 8083; do
  runuser -u hotline -- sh -c "set -a; . /etc/hotline/hotline.env; . /etc/hotline/data-key.env; set +a; export HOTLINE_WEBHOOK_PORT=$port; cd /var/lib/hotline; umask 077; exec /opt/hotline/.venv/bin/hotline run --webhook" > /tmp/drill-worker-$port.log 2>&1 &
  until curl -sf "127.0.0.1:$port/health" > /dev/null; do sleep 1; done
  echo "$port healthy"
done
step "Done: stopping the drill's processes"
pkill -TERM -f "hotline run --webhook" || true; pkill -TERM -f "hotline emulator" || true
