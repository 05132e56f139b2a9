// Built only by the layering test, which expects it NOT to build: runner/metrics sits below
// runner/engine, so its include root has no engine headers.
#include "runner/engine/run_case.h"
