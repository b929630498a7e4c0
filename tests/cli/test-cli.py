#!/usr/bin/env python3
# test-cli.py
#
# SPDX-FileCopyrightText: 2026 Field Notes authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the real field-notes-cli binary as a subprocess, each test in a fresh
# temporary data directory, and reports in TAP.
#
# Usage: test-cli.py PATH-TO-field-notes-cli [TEST-NAME...]
#
# FN_CLI_WRAPPER, if set, is put in front of every run of the client, e.g.
# FN_CLI_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full".

import datetime
import json
import os
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import traceback
import uuid

CLI = None
WRAPPER = shlex.split(os.environ.get('FN_CLI_WRAPPER', ''))

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_NOT_FOUND = 5
EXIT_INVALID = 6

PATIENT_KEYS = {'entity', 'id', 'version', 'deleted', 'sync_state', 'given_name',
                'family_name', 'birth_date', 'address', 'phone', 'care_plan', 'assigned_to'}
NOTE_KEYS = {'entity', 'id', 'version', 'deleted', 'sync_state', 'patient_id', 'author_id',
             'kind', 'visit_at', 'title', 'body', 'status'}
STATUS_KEYS = {'state', 'pending', 'conflicts', 'rejected', 'last_sync', 'cursor', 'server',
               'user', 'demo'}
SYNC_STATES = {'synced', 'pending', 'conflict', 'rejected'}

# A piece of note text that must never show up in an error.
SECRET = 'Secret wound details'


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode('utf-8')
        self.err = proc.stderr.decode('utf-8')

    def json(self):
        return json.loads(self.out)


class Env:
    """A fresh temporary home with its own data directory."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix='fn-cli-test-')
        self.data_dir = os.path.join(self.root, 'data')
        self.env = dict(os.environ)
        self.env.pop('FIELD_NOTES_DATA_DIR', None)
        self.env['HOME'] = self.root
        self.env['XDG_DATA_HOME'] = os.path.join(self.root, 'xdg-data')
        self.env['LC_ALL'] = 'C.UTF-8'

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def run(self, *args, data_dir=True, env=None, stdin=None):
        argv = WRAPPER + [CLI]
        if data_dir is True:
            argv += ['--data-dir', self.data_dir]
        elif data_dir:
            argv += ['--data-dir', data_dir]
        argv += [a if isinstance(a, bytes) else str(a) for a in args]
        full_env = dict(self.env)
        full_env.update(env or {})
        proc = subprocess.run(argv, env=full_env, input=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
        return Result(proc)

    def ok(self, *args, **kwargs):
        r = self.run(*args, **kwargs)
        assert r.code == EXIT_OK, f'{args}: exit {r.code}, stderr {r.err!r}'
        assert r.err == '', f'{args}: unexpected stderr {r.err!r}'
        return r

    def ok_json(self, *args, **kwargs):
        return self.ok('--json', *args, **kwargs).json()

    def write(self, name, data):
        path = os.path.join(self.root, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def demo(self):
        self.ok('demo-data')
        patients = self.ok_json('patients')
        assert len(patients) == 30, len(patients)
        return patients

    def pending(self):
        return self.ok_json('status')['pending']

    def snapshot(self, patient_id):
        """Everything an invalid write must leave as it was."""
        return (self.ok('--json', 'notes', patient_id).out,
                self.ok('--json', 'patients').out,
                self.ok('--json', 'status').out)


def assert_one_sentence_error(r, code, *, hidden=(SECRET,)):
    assert r.code == code, f'expected exit {code}, got {r.code}; stderr {r.err!r}'
    assert r.out == '', f'unexpected stdout {r.out!r}'
    lines = r.err.splitlines()
    assert len(lines) == 1, f'expected one line on stderr, got {r.err!r}'
    assert r.err.startswith('field-notes-cli: '), r.err
    assert r.err.rstrip('\n')[-1] in '.!?', f'not a sentence: {r.err!r}'
    for text in hidden:
        assert text not in r.err, f'note text leaked into the error: {r.err!r}'


def parse_time(value):
    return datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))


def check_record(record, entity, keys):
    assert set(record) == keys, f'{entity} keys {sorted(record)}'
    assert record['entity'] == entity
    uuid.UUID(record['id'])
    assert isinstance(record['version'], int)
    assert isinstance(record['deleted'], bool)
    assert record['sync_state'] in SYNC_STATES


# The tests, in the order they run.

def test_help(t):
    r = t.ok('--help', data_dir=False)
    for word in ('patients', 'notes', 'note add', 'note edit', 'note delete', 'search',
                 'status', 'demo-data', 'Exit status'):
        assert word in r.out, word
    for code in range(8):
        assert f'  {code}  ' in r.out, f'exit code {code} not documented'
    r = t.ok('note', 'add', '--help', data_dir=False)
    assert '--title' in r.out and '--body-file' in r.out and '--kind' in r.out
    r = t.ok('--version', data_dir=False)
    assert r.out.startswith('field-notes-cli ')


def test_usage_errors(t):
    assert_one_sentence_error(t.run(), EXIT_USAGE)
    assert_one_sentence_error(t.run('frobnicate'), EXIT_USAGE)
    assert_one_sentence_error(t.run('note'), EXIT_USAGE)
    assert_one_sentence_error(t.run('note', 'frob'), EXIT_USAGE)
    assert_one_sentence_error(t.run('patients', '--frob'), EXIT_USAGE)
    assert_one_sentence_error(t.run('patients', 'extra'), EXIT_USAGE)
    assert_one_sentence_error(t.run('notes'), EXIT_USAGE)
    assert_one_sentence_error(t.run('search'), EXIT_USAGE)
    # Something that looks like note text is never echoed back.
    assert_one_sentence_error(t.run(SECRET), EXIT_USAGE)


def test_empty_store(t):
    assert t.ok_json('patients') == []
    assert t.ok_json('search', 'anything') == []
    assert 'No patients.' in t.ok('patients').out
    status = t.ok_json('status')
    assert status == {'state': 'never-synced', 'pending': 0, 'conflicts': 0, 'rejected': 0,
                      'last_sync': None, 'cursor': None, 'server': None, 'user': None,
                      'demo': False}, status


def test_demo_data_shapes(t):
    r = t.ok('demo-data')
    assert '30' in r.out and '200' in r.out
    patients = t.ok_json('patients')
    assert len(patients) == 30
    n_notes = 0
    for p in patients:
        check_record(p, 'patient', PATIENT_KEYS)
        assert p['deleted'] is False
        assert p['family_name']
        assert isinstance(p['assigned_to'], list)
        notes = t.ok_json('notes', p['id'])
        times = [parse_time(n['visit_at']) for n in notes]
        assert times == sorted(times, reverse=True), 'notes are not newest first'
        for n in notes:
            check_record(n, 'note', NOTE_KEYS)
            assert n['patient_id'] == p['id']
            assert n['kind'] in ('visit', 'observation', 'medication', 'incident')
            assert n['status'] in ('draft', 'final')
            assert n['sync_state'] == 'synced'
        n_notes += len(notes)
    assert n_notes == 200, n_notes

    status = t.ok_json('status')
    assert STATUS_KEYS <= set(status), status
    assert status['pending'] == 0 and status['demo'] is True
    assert status['state'] == 'never-synced'

    # Human output: a header and one line per patient.
    lines = t.ok('patients').out.splitlines()
    assert lines[0].split()[:2] == ['ID', 'NAME'], lines[0]
    assert len(lines) == 31
    assert lines[1].split()[0] == patients[0]['id'][:8]

    # Search finds a patient by family name, and notes by their title.
    patient = patients[0]
    hits = t.ok_json('search', patient['family_name'])
    assert any(h['id'] == patient['id'] for h in hits), 'patient not found by name'
    for h in hits:
        check_record(h, h['entity'], PATIENT_KEYS if h['entity'] == 'patient' else NOTE_KEYS)
    note = t.ok_json('notes', patient['id'])[0]
    word = max(note['title'].split(), key=len).strip('.,:;')
    hits = t.ok_json('search', word)
    assert any(h['id'] == note['id'] for h in hits), f'note not found by {word!r}'
    assert t.ok('search', word).out.splitlines()[0].split()[:2] == ['TYPE', 'ID']
    assert 'Nothing found.' in t.ok('search', 'zzqxjv').out


def test_demo_data_refused(t):
    t.demo()
    before = t.ok('--json', 'patients').out
    r = t.run('demo-data')
    assert r.code == EXIT_INVALID, r.code
    assert r.err.startswith('field-notes-cli: ') and len(r.err.splitlines()) == 1, r.err
    assert t.ok('--json', 'patients').out == before


def test_note_round_trip(t):
    patients = t.demo()
    pid = patients[3]['id']
    before = t.ok_json('notes', pid)
    assert t.pending() == 0

    r = t.ok('note', 'add', pid, '--title', 'Morning visit', '--body', 'All well.',
             '--kind', 'observation')
    assert r.out.startswith('Added note ')
    nid = r.out.split()[2].rstrip('.')
    uuid.UUID(nid)
    assert t.pending() == 1
    notes = t.ok_json('notes', pid)
    assert len(notes) == len(before) + 1
    note = next(n for n in notes if n['id'] == nid)
    assert note['title'] == 'Morning visit' and note['body'] == 'All well.'
    assert note['kind'] == 'observation' and note['status'] == 'draft'
    assert note['patient_id'] == pid and note['version'] == 0
    assert note['sync_state'] == 'pending' and note['deleted'] is False

    # Two edits of one note fold into the one pending op.
    t.ok('note', 'edit', nid, '--title', 'Morning visit, revised')
    assert t.pending() == 1
    body_file = t.write('body.txt', 'Line one.\nLine two: ünïcödé ✓\n'.encode())
    edited = t.ok_json('note', 'edit', nid[:8], '--body-file', body_file, '--status', 'final')
    assert edited['id'] == nid and edited['status'] == 'final'
    assert t.pending() == 1
    note = next(n for n in t.ok_json('notes', pid) if n['id'] == nid)
    assert note['title'] == 'Morning visit, revised'
    assert note['body'] == 'Line one.\nLine two: ünïcödé ✓\n'

    # Editing a synced demo note adds a second op; editing it again does not.
    demo_id = before[0]['id']
    t.ok('note', 'edit', demo_id, '--title', 'Changed once')
    assert t.pending() == 2
    t.ok('note', 'edit', demo_id, '--body', 'Changed twice')
    assert t.pending() == 2
    demo_note = next(n for n in t.ok_json('notes', pid) if n['id'] == demo_id)
    assert demo_note['version'] == 1 and demo_note['sync_state'] == 'pending'

    r = t.ok('--json', 'note', 'delete', nid)
    deleted = r.json()
    assert deleted['id'] == nid and deleted['deleted'] is True
    notes = t.ok_json('notes', pid)
    assert nid not in [n['id'] for n in notes]
    assert len(notes) == len(before)
    assert t.pending() == 2
    assert_one_sentence_error(t.run('note', 'delete', nid), EXIT_NOT_FOUND)
    assert_one_sentence_error(t.run('note', 'edit', nid, '--title', 'x'), EXIT_NOT_FOUND)

    # Human listing shows the edited demo note.
    out = t.ok('notes', pid).out
    assert out.splitlines()[0].split() == ['ID', 'VISIT', 'KIND', 'STATUS', 'SYNC', 'TITLE']
    assert 'Changed once' in out and demo_id[:8] in out

    status = t.ok_json('status')
    assert status['pending'] == 2 and status['state'] == 'never-synced'
    assert 'Pending changes:' in t.ok('status').out


def test_body_from_stdin(t):
    pid = t.demo()[0]['id']
    r = t.ok('--json', 'note', 'add', pid, '--title', 'From stdin', '--body-file', '-',
             stdin='Typed into a pipe.\n'.encode())
    assert r.json()['body'] == 'Typed into a pipe.\n'


def test_id_prefixes(t):
    patients = t.demo()
    pid = patients[5]['id']
    assert t.ok_json('notes', pid[:6]) == t.ok_json('notes', pid)
    assert t.ok_json('notes', pid.upper()) == t.ok_json('notes', pid)
    assert_one_sentence_error(t.run('notes', pid[:3]), EXIT_INVALID)
    assert_one_sentence_error(t.run('notes', 'not-an-id!'), EXIT_INVALID)
    unknown = str(uuid.uuid4())
    while any(p['id'].startswith(unknown[:4]) for p in patients):
        unknown = str(uuid.uuid4())
    assert_one_sentence_error(t.run('notes', unknown), EXIT_NOT_FOUND)
    assert_one_sentence_error(t.run('notes', unknown[:4]), EXIT_NOT_FOUND)

    # An ambiguous prefix names no record. Random ids share a 4-character
    # prefix after a few hundred notes; add notes until two do.
    pid = patients[0]['id']
    seen = {}
    for p in patients:
        for n in t.ok_json('notes', p['id']):
            seen.setdefault(n['id'][:4], []).append(n['id'])
    shared = next((k for k, v in seen.items() if len(v) > 1), None)
    for i in range(3000):
        if shared:
            break
        nid = t.ok_json('note', 'add', pid, '--title', f'Filler {i}', '--body', 'x')['id']
        seen.setdefault(nid[:4], []).append(nid)
        if len(seen[nid[:4]]) > 1:
            shared = nid[:4]
    assert shared, 'no two notes share a 4-character prefix'
    before = t.snapshot(pid)
    assert_one_sentence_error(t.run('note', 'delete', shared), EXIT_INVALID)
    assert_one_sentence_error(t.run('note', 'edit', shared.upper(), '--title', 'x'),
                              EXIT_INVALID)
    assert t.snapshot(pid) == before
    # One more character (or the full id) picks exactly one of them.
    first, second = seen[shared][:2]
    common = os.path.commonprefix([first, second])
    t.ok('note', 'edit', first[:len(common) + 1], '--title', 'Picked by prefix')
    titles = {n['id']: n['title'] for n in t.ok_json('notes', pid)}
    assert titles.get(first) == 'Picked by prefix' or \
        first not in titles  # a demo note of another patient
    if first not in titles:
        for p in patients:
            for n in t.ok_json('notes', p['id']):
                if n['id'] == first:
                    assert n['title'] == 'Picked by prefix'


def test_invalid_input(t):
    patients = t.demo()
    pid = patients[0]['id']
    notes = t.ok_json('notes', pid)
    nid = notes[0]['id']
    unknown = str(uuid.uuid4())
    big_body = t.write('big.txt', b'x' * (64 * 1024 + 1))
    max_body = t.write('max.txt', b'y' * (64 * 1024))
    bad_utf8 = t.write('bad.txt', SECRET.encode() + b' \xff\xfe broken')
    nul_body = t.write('nul.txt', SECRET.encode() + b'\x00after')
    missing = os.path.join(t.root, 'no-such-file.txt')
    long_title = 'T' * 1025

    cases = [
        (EXIT_INVALID, ('note', 'add', pid, '--title', long_title, '--body', SECRET)),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'ok', '--body-file', big_body)),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'ok', '--body', 'b' * (64 * 1024 + 1))),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'ok', '--body', SECRET, '--kind', 'party')),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'ok', '--body', SECRET,
                        '--status', 'done')),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'two\nlines', '--body', SECRET)),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'ok', '--body-file', bad_utf8)),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'ok', '--body-file', nul_body)),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'ok', '--body-file', missing)),
        (EXIT_INVALID, ('note', 'add', pid, '--title', 'ok',
                        '--body', SECRET.encode() + b'\xff')),
        (EXIT_NOT_FOUND, ('note', 'add', unknown, '--title', 'ok', '--body', SECRET)),
        (EXIT_USAGE, ('note', 'add', pid, '--body', SECRET)),
        (EXIT_USAGE, ('note', 'add', pid, '--title', 'ok')),
        (EXIT_USAGE, ('note', 'add', pid, '--title', 'ok', '--body', SECRET,
                      '--body-file', max_body)),
        (EXIT_USAGE, ('note', 'add', '--title', 'ok', '--body', SECRET)),
        (EXIT_INVALID, ('note', 'edit', nid, '--title', long_title)),
        (EXIT_INVALID, ('note', 'edit', nid, '--body-file', big_body)),
        (EXIT_INVALID, ('note', 'edit', nid, '--body-file', bad_utf8)),
        (EXIT_INVALID, ('note', 'edit', nid, '--kind', 'party')),
        (EXIT_INVALID, ('note', 'edit', nid, '--title', 'ok', '--kind', 'party')),
        (EXIT_USAGE, ('note', 'edit', nid)),
        (EXIT_NOT_FOUND, ('note', 'edit', unknown, '--title', 'ok')),
        (EXIT_NOT_FOUND, ('note', 'delete', unknown)),
        (EXIT_INVALID, ('note', 'delete', SECRET)),
    ]

    before = t.snapshot(pid)
    for code, args in cases:
        r = t.run(*args)
        try:
            assert_one_sentence_error(r, code)
        except AssertionError as e:
            raise AssertionError(f'{[a[:40] for a in args]}: {e}') from None
        assert t.snapshot(pid) == before, f'{[a[:40] for a in args]} changed the store'

    # The limits themselves are allowed.
    t.ok('note', 'add', pid, '--title', 'T' * 1024, '--body-file', max_body)

    r = t.run('note', 'add', pid, '--title', long_title, '--body', 'x')
    assert r.err == 'field-notes-cli: The title is too long: at most 1 KiB is allowed.\n', r.err
    r = t.run('note', 'add', pid, '--title', 'ok', '--body-file', big_body)
    assert r.err == 'field-notes-cli: The note text is too long: at most 64 KiB is allowed.\n', \
        r.err


def test_data_dir_choice(t):
    env_dir = os.path.join(t.root, 'from-env')
    flag_dir = os.path.join(t.root, 'from-flag')

    # FIELD_NOTES_DATA_DIR is used when there is no --data-dir.
    t.ok('demo-data', data_dir=False, env={'FIELD_NOTES_DATA_DIR': env_dir})
    assert os.path.exists(os.path.join(env_dir, 'field-notes.db'))
    assert len(t.ok_json('patients', data_dir=False,
                         env={'FIELD_NOTES_DATA_DIR': env_dir})) == 30

    # --data-dir wins over the environment, before or after the command.
    assert t.ok_json('patients', data_dir=flag_dir, env={'FIELD_NOTES_DATA_DIR': env_dir}) == []
    r = t.ok('patients', '--json', '--data-dir', env_dir, data_dir=False)
    assert len(r.json()) == 30
    assert os.path.exists(os.path.join(flag_dir, 'field-notes.db'))

    # Without either, $XDG_DATA_HOME/field-notes.
    assert t.ok_json('patients', data_dir=False) == []
    assert os.path.exists(os.path.join(t.env['XDG_DATA_HOME'], 'field-notes', 'field-notes.db'))


def test_permissions(t):
    nested = os.path.join(t.root, 'a', 'b', 'notes')
    t.ok('demo-data', data_dir=nested)
    mode = stat.S_IMODE(os.stat(nested).st_mode)
    assert mode == 0o700, oct(mode)
    db = os.path.join(nested, 'field-notes.db')
    mode = stat.S_IMODE(os.stat(db).st_mode)
    assert mode == 0o600, oct(mode)


def test_storage_error(t):
    # A data directory that is a file cannot hold a store.
    blocker = t.write('blocker', b'not a directory')
    r = t.run('patients', data_dir=blocker)
    assert_one_sentence_error(r, 7)


def test_json_ignores_locale(t):
    pid = t.demo()[0]['id']
    title = 'Wundversorgung – Müller ✓'
    nid = t.ok_json('note', 'add', pid, '--title', title.encode(), '--body', 'ß',
                    env={'LC_ALL': 'C'})['id']
    note = next(n for n in t.ok_json('notes', pid, env={'LC_ALL': 'C'}) if n['id'] == nid)
    assert note['title'] == title and note['body'] == 'ß'


def set_sync_state(t, cursor, last_sync_ms, data_dir=None):
    """Pretends that the store has synced, as the engine will record it."""
    db = sqlite3.connect(os.path.join(data_dir or t.data_dir, 'field-notes.db'))
    with db:
        db.execute('UPDATE sync_state SET cursor = ?, last_sync_at = ? WHERE id = 1',
                   (cursor, last_sync_ms))
    db.close()


def test_status_states(t):
    patients = t.demo()
    nid = t.ok_json('notes', patients[0]['id'])[0]['id']
    set_sync_state(t, 'cursor-42', 1764240000000)

    status = t.ok_json('status')
    assert status == {'state': 'up-to-date', 'pending': 0, 'conflicts': 0, 'rejected': 0,
                      'last_sync': '2025-11-27T10:40:00Z', 'cursor': 'cursor-42',
                      'server': None, 'user': None, 'demo': True}, status

    t.ok('note', 'edit', nid, '--title', 'Changed')
    status = t.ok_json('status')
    assert status['state'] == 'pending' and status['pending'] == 1, status

    db = sqlite3.connect(os.path.join(t.data_dir, 'field-notes.db'))
    with db:
        db.execute("UPDATE outbox SET state = 'rejected', last_error = 'refused'")
    db.close()
    status = t.ok_json('status')
    assert status['state'] == 'attention', status
    assert status['pending'] == 0 and status['rejected'] == 1, status
    out = t.ok('status').out
    assert 'attention needed' in out and 'Rejected changes:  1' in out, out

    # A store that has met a server never takes demo data, even when empty.
    other = os.path.join(t.root, 'connected')
    assert t.ok_json('patients', data_dir=other) == []
    set_sync_state(t, 'cursor-1', 0, data_dir=other)
    before = t.ok('--json', 'status', data_dir=other).out
    assert_one_sentence_error(t.run('demo-data', data_dir=other), EXIT_INVALID)
    assert t.ok_json('patients', data_dir=other) == []
    assert t.ok('--json', 'status', data_dir=other).out == before


def test_output_error(t):
    t.demo()
    with open('/dev/full', 'wb') as full:
        proc = subprocess.run([CLI, '--data-dir', t.data_dir, 'patients'], env=t.env,
                              stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 7, proc.returncode
    err = proc.stderr.decode()
    assert err.startswith('field-notes-cli: The output could not be written') and \
        len(err.splitlines()) == 1, err


def test_report(t):
    t.ok('demo-data')
    patient = t.ok_json('patients')[0]
    today = datetime.date.today().isoformat()
    t.ok('note', 'add', patient['id'], '--title', 'Report visit', '--body',
         'Helped with dinner.\nBlood pressure 128/82.')
    pdf = os.path.join(t.root, 'report.pdf')
    t.ok('report', '--day', today, '--pdf', pdf)
    with open(pdf, 'rb') as f:
        assert f.read(5) == b'%PDF-'
    if shutil.which('pdftotext'):
        text = subprocess.run(['pdftotext', '-layout', pdf, '-'], capture_output=True,
                              text=True, check=True).stdout
        assert 'End-of-day report' in text, text[:300]
        assert 'Report visit' in text and 'Blood pressure 128/82.' in text, text
        assert 'Not yet delivered to the office' in text
        assert 'waiting to be sent' in text
    if shutil.which('pdftoppm'):
        subprocess.run(['pdftoppm', '-r', '50', '-png', '-f', '1', '-l', '1', pdf,
                        os.path.join(t.root, 'page')], check=True)
        assert os.path.getsize(os.path.join(t.root, 'page-1.png')) > 5000

    # A day with no visits still makes a report that says so.
    empty = os.path.join(t.root, 'empty.pdf')
    t.ok('report', '--day', '1999-01-01', '--pdf', empty)
    if shutil.which('pdftotext'):
        text = subprocess.run(['pdftotext', empty, '-'], capture_output=True, text=True,
                              check=True).stdout
        assert 'No visits were recorded on this day.' in text

    assert_one_sentence_error(t.run('report', '--day', '2026-13-01', '--pdf', pdf), 6)
    assert_one_sentence_error(t.run('report', '--day', today), 1)
    assert_one_sentence_error(t.run('report', '--pdf', os.path.join(t.root, 'no', 'such',
                                                                   'dir', 'r.pdf')), 7)


TESTS = [
    test_help,
    test_usage_errors,
    test_empty_store,
    test_demo_data_shapes,
    test_demo_data_refused,
    test_note_round_trip,
    test_body_from_stdin,
    test_id_prefixes,
    test_invalid_input,
    test_data_dir_choice,
    test_permissions,
    test_storage_error,
    test_json_ignores_locale,
    test_status_states,
    test_output_error,
    test_report,
]


def main():
    global CLI

    CLI = os.path.abspath(sys.argv[1])
    selected = sys.argv[2:]
    tests = [f for f in TESTS if not selected or f.__name__ in selected]
    failed = 0

    print(f'1..{len(tests)}', flush=True)
    for i, test in enumerate(tests, 1):
        t = Env()
        try:
            skip = test(t)
            if skip:
                print(f'ok {i} {test.__name__} # SKIP {skip}')
            else:
                print(f'ok {i} {test.__name__}')
        except Exception:
            failed += 1
            print(f'not ok {i} {test.__name__}')
            for line in traceback.format_exc().splitlines():
                print(f'# {line}')
        finally:
            t.close()
        sys.stdout.flush()

    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
