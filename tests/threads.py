"""Work started in several threads at the same moment, each with its own connection: for
the tests of what row and advisory locks hold on PostgreSQL."""

import threading

from django.db import connection


def run_at_once(count, work):
    """Start `count` threads that call work(i) together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
