"""gunicorn's settings for Retour behind the TLS proxy (docs/operations.md).

    gunicorn --config deploy/gunicorn.conf.py retour.wsgi:application

Variables: RETOUR_BIND (127.0.0.1:8000; the proxy's upstream), RETOUR_WORKERS (two per core
and one: the pages spend about as long waiting for the database as computing).
"""

import os

bind = os.environ.get("RETOUR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RETOUR_WORKERS", 2 * (os.cpu_count() or 1) + 1))
# The application is loaded once, before the workers are forked: they start at once and share
# its memory (a worker that takes longer than ``timeout`` to start is killed and started again).
preload_app = True
# A request that takes longer is a fault; the worker is replaced rather than left hanging.
timeout = 30
graceful_timeout = 30
# Workers are replaced now and then, so that memory a long life gathers is given back.
max_requests = 2000
max_requests_jitter = 200
# The proxy on this machine is the only client: gunicorn believes its X-Forwarded-* headers.
forwarded_allow_ips = "127.0.0.1,::1"
# gunicorn's control socket (in the user's home by default, one path for every instance on the
# machine) is not used: systemd starts, reloads and stops the server.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
# No request line or header longer than any page of Retour needs.
limit_request_line = 8190
limit_request_fields = 100
