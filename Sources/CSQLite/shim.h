#ifndef GATEHOUSE_CSQLITE_SHIM_H
#define GATEHOUSE_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift cannot import; this returns the same
   destructor so bound text and blobs are copied by SQLite before the call returns. */
static inline sqlite3_destructor_type gatehouse_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif
