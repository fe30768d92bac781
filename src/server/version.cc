#include "server/version.h"

namespace blockdb {
const char* Version() { return "0.1.0"; }
}  // namespace blockdb
