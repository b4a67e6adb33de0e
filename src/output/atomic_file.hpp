#pragma once
// Files are written atomically: to a temporary beside the target, fsynced, then renamed over it,
// so a reader sees the old file or the new one, never a torn one.
#include <string>

namespace freelunch::output {

// Creates parent directories as needed. Throws std::runtime_error naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace freelunch::output
