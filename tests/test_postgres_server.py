"""The throw-away PostgreSQL server of tests/postgres_server.py works."""

import os

import psycopg2
from postgres_server import ENV_URL


def test_server_accepts_a_connection_and_runs_select_1(postgres_url):
    conn = psycopg2.connect(postgres_url, connect_timeout=10)
    try:
        with conn.cursor() as cur:
            cur.execute("select 1")
            assert cur.fetchone() == (1,)
            cur.execute("select current_database(), pg_encoding_to_char(encoding) "
                        "from pg_database where datname = current_database()")
            assert cur.fetchone() == ("clinic_test", "UTF8")
    finally:
        conn.close()


def test_private_server_listens_on_loopback_on_a_picked_port(postgres_server):
    if os.environ.get(ENV_URL):
        assert postgres_server.url("x").endswith("/x")
        return
    assert postgres_server.running
    assert postgres_server.url("clinic_test") == (
        f"postgresql://postgres@127.0.0.1:{postgres_server.port}/clinic_test"
    )
    conn = psycopg2.connect(postgres_server.url("postgres"), connect_timeout=10)
    try:
        with conn.cursor() as cur:
            cur.execute("show listen_addresses")
            assert cur.fetchone() == ("127.0.0.1",)
            cur.execute("show port")
            assert cur.fetchone() == (str(postgres_server.port),)
            cur.execute("show fsync")
            assert cur.fetchone() == ("off",)
    finally:
        conn.close()
