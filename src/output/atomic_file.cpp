#include "output/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "arith/errors.hpp"
#include "core/printable.hpp"

namespace freelunch::output {

void write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

void require_writable_directory(const std::string& dir, const std::string& option) {
  const std::string where = option + " '" + printable(dir) + "'";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError(where + ": cannot create the directory (" + ec.message() + ")");
  if (!std::filesystem::is_directory(dir, ec)) throw UsageError(where + ": not a directory");
  // Writable: create and remove a probe file (access(2) does not see read-only mounts or ACLs).
  const std::string probe = (std::filesystem::path(dir) / (".freelunch-probe." + std::to_string(::getpid()))).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) throw UsageError(where + ": cannot create files in it (" + std::strerror(errno) + ")");
  ::close(fd);
  ::unlink(probe.c_str());
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(errno));
  try {
    write_all(fd, contents, temporary);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error("cannot flush " + temporary + ": " + std::strerror(errno));
  std::filesystem::rename(temporary, target);
}

}  // namespace freelunch::output
