#pragma once

namespace blockdb {
// BlockDB's version string ("0.1.0").
const char* Version();
}  // namespace blockdb
