// The layering test's control: runner/metrics may include what it links (records, endpoints).
#include "runner/endpoints/endpoint.h"
#include "runner/metrics/summary.h"
#include "runner/records/record.h"
