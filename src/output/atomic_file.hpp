#pragma once
// Files are written atomically: to a temporary beside the target, fsynced, then renamed over it,
// so a reader sees the old file or the new one, never a torn one.
#include <string>

namespace freelunch::output {

// Creates parent directories as needed. Throws std::runtime_error naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& contents);

// Makes sure `dir` is (or can be made) a directory this process can create files in, before any
// work whose results go there starts: UsageError naming the option and the path otherwise (an
// unwritable --out is found in a second, not after an hour's sweep). Creates it if missing.
void require_writable_directory(const std::string& dir, const std::string& option);

// Writes all of data to the open file descriptor fd (retrying short writes and EINTR); throws
// std::runtime_error naming path otherwise. Shared with the results store, which appends.
void write_all(int fd, const std::string& data, const std::string& path);

}  // namespace freelunch::output
