#define BOOST_TEST_MODULE printable
#include "support/test_support.hpp"

#include <string>

#include "core/printable.hpp"

using namespace freelunch;

// Control characters become C escapes; the result never holds a byte below 0x20 or 0x7f.
BOOST_AUTO_TEST_CASE(control_characters_are_escaped) {
  BOOST_TEST(printable("a\nb") == "a\\nb");
  BOOST_TEST(printable("\t\r") == "\\t\\r");
  BOOST_TEST(printable("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07");
  BOOST_TEST(printable(std::string("a\0b", 3)) == "a\\x00b");
  BOOST_TEST(printable("\x7f") == "\\x7f");
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  for (char c : printable(all, 10000)) BOOST_TEST((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f));
}

// Valid UTF-8 stays; every kind of invalid sequence is escaped byte by byte.
BOOST_AUTO_TEST_CASE(utf8_is_kept_and_invalid_bytes_escaped) {
  BOOST_TEST(printable("Δt é ≤ 𝔽") == "Δt é ≤ 𝔽");
  BOOST_TEST(printable("\xff") == "\\xff");                        // never a lead byte
  BOOST_TEST(printable("\xc0\x80") == "\\xc0\\x80");               // overlong NUL
  BOOST_TEST(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");      // a surrogate
  BOOST_TEST(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  BOOST_TEST(printable("\xe2\x82") == "\\xe2\\x82");               // truncated
  BOOST_TEST(printable("a\x80z") == "a\\x80z");                    // a lone continuation byte
}

// Long text is cut, with the number of bytes left out.
BOOST_AUTO_TEST_CASE(long_text_is_cut) {
  const std::string big(1000000, '9');
  const std::string out = printable(big, 50);
  BOOST_TEST(out == std::string(50, '9') + "... (999950 more bytes)");
  BOOST_TEST(printable("short", 50) == "short");
  BOOST_TEST(printable(std::string(50, 'x'), 50) == std::string(50, 'x'));
}
