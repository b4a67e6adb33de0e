#pragma once
// The one exception type for bad user input (STYLE: "Errors"). Caught in main, printed as one
// line, exit code 2. Numeric outcomes (overflow, NaN, inexact) are never reported this way.
#include <stdexcept>
#include <string>

namespace freelunch {

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace freelunch
