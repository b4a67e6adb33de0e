#pragma once
// Text from outside (file contents, field names, command-line arguments) made safe to print in
// a one-line message: control characters (newline, ESC, BEL, ...) and bytes that are not UTF-8
// become C-style escapes (\n, \x1b), so an error is always one line and never drives the
// terminal; and the result is cut at `max_chars` with a note of how much was left out, so a
// 1 MB argument does not become a 1 MB line. Valid UTF-8 (Δ, é) is kept as it is.
#include <cstddef>
#include <string>
#include <string_view>

namespace freelunch {

inline constexpr std::size_t kPrintableDefault = 200;

std::string printable(std::string_view text, std::size_t max_chars = kPrintableDefault);

}  // namespace freelunch
