// The process_* metrics every Prometheus client library exports (CPU time, memory, open
// file descriptors, start time), read from /proc/self at each scrape.
#pragma once

#include "gateway/common/metrics.h"

namespace tributary {

// Declares the process_* families (once, at start).
void DescribeProcessMetrics(Metrics& metrics);
// Sets them from /proc/self; a value that cannot be read is left out.
void PublishProcessMetrics(Metrics& metrics);

}  // namespace tributary
