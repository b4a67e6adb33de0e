#pragma once
// Integer options read exactly as typed. CLI11 converts "-1" for an unsigned option by wrapping
// it (to 18446744073709551615) and saturates "99999999999999999999" to the type's maximum, so a
// run would silently use a number nobody typed. This validator refuses, quoting the text, any
// option value that is not an integer of the option's type: a sign where none is allowed,
// anything past the range, trailing characters. Range checks of meaning (N >= 1, 2 <= p <= 1000)
// stay with the commands.
// Included only by files that bind options (it needs CLI11; see commands.hpp).
#include <charconv>
#include <limits>
#include <string>
#include <type_traits>

#include <CLI/CLI.hpp>

#include "core/printable.hpp"

namespace freelunch::cli {

template <class T>
CLI::Validator exact_integer() {
  static_assert(std::is_integral_v<T>);
  const std::string range = std::to_string(std::numeric_limits<T>::min()) + ".." + std::to_string(std::numeric_limits<T>::max());
  return CLI::Validator(
      [range](std::string& text) -> std::string {
        T value{};
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error == std::errc() && stop == end) return {};
        return "'" + printable(text, 40) + "' is not an integer in " + range;
      },
      "INT", "exact integer");
}

}  // namespace freelunch::cli
