#!/usr/bin/env python3
"""Why request IDs are time-ordered: usage-table inserts (its primary key and five indexes as in PlexusStorage, most columns, WAL,
synchronous=NORMAL) in batches of 250 with random against time-ordered primary keys; prints the mean time of
the last 100 batches once the table holds 200k rows.    python3 scripts/bench.d/sqlite_keys.py"""
import sqlite3, os, time, random, sys
def run(ordered, n=200000, batch=250):
    p=f'/tmp/plexus-sqlite-keys-{ordered}.db'
    for s in ('','-wal','-shm'):
        try: os.remove(p+s)
        except: pass
    c=sqlite3.connect(p, isolation_level=None)
    c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA synchronous=NORMAL')
    c.execute('''CREATE TABLE usage (request_id TEXT PRIMARY KEY, started_at REAL NOT NULL, key_name TEXT, alias TEXT, provider TEXT,
    upstream_model TEXT, client_protocol TEXT NOT NULL, target_protocol TEXT, passthrough INTEGER NOT NULL, streamed INTEGER NOT NULL, status TEXT NOT NULL,
    http_status INTEGER NOT NULL, input_tokens INTEGER, output_tokens INTEGER, duration_ms REAL, attempts TEXT)''')
    for s in ["CREATE INDEX usage_started_id ON usage (started_at, request_id)","CREATE INDEX usage_key ON usage (key_name, started_at)",
              "CREATE INDEX usage_alias ON usage (alias, started_at)","CREATE INDEX usage_provider ON usage (provider, started_at)","CREATE INDEX usage_model ON usage (upstream_model, started_at)"]:
        c.execute(s)
    t=time.time(); ms=1764000000000; k=0; times=[]
    for b in range(n//batch):
        rows=[]
        for i in range(batch):
            ms+=1; k+=1
            rid = ('req_%012x%020x' % (ms, random.getrandbits(80))) if ordered else ('req_%032x' % random.getrandbits(128))
            rows.append((rid, ms/1000, 'bench','bench-chat','mockchat','mock','chat','chat',1,0,'success',200,231,30,0.5,'[{"provider":"mockchat"}]'))
        t0=time.perf_counter()
        c.execute('BEGIN'); c.executemany('INSERT INTO usage (request_id,started_at,key_name,alias,provider,upstream_model,client_protocol,target_protocol,passthrough,streamed,status,http_status,input_tokens,output_tokens,duration_ms,attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)', rows); c.execute('COMMIT')
        times.append(time.perf_counter()-t0)
    last=times[-100:]
    print('ordered' if ordered else 'random ', 'total %.2fs'%sum(times), 'last100 batches avg %.2f ms/batch'%(1000*sum(last)/len(last)), 'wal', os.path.getsize(p+'-wal')//1024, 'KB')
run(False); run(True)
