#pragma once
// Where a command's --json object goes: one line on stdout, or, while an in-process run captures
// it (run_captured, used by the Python module), a string the caller reads. The CLI and the module
// so share every key and every number: the module runs the command, it does not re-implement it.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "io/layer_json.hpp"

namespace freelunch::cli {

// Prints `j` as one line on stdout, or hands it to the capture active on this thread.
void emit_json(const nlohmann::json& j);

// While alive, emit_json on this thread stores into the capture instead of printing, and `-` as a
// layer file reads `stdin_text` instead of standard input (when given).
class JsonCapture {
 public:
  explicit JsonCapture(std::optional<std::string> stdin_text = std::nullopt);
  ~JsonCapture();
  JsonCapture(const JsonCapture&) = delete;
  JsonCapture& operator=(const JsonCapture&) = delete;
  const std::string& text() const { return text_; }

 private:
  friend void emit_json(const nlohmann::json& j);
  friend std::optional<std::string> captured_stdin();
  std::string text_;
  std::optional<std::string> stdin_text_;
  JsonCapture* outer_;
};

// The text `-` stands for inside a capture that provides one, else nullopt (read standard input).
std::optional<std::string> captured_stdin();

// A layer file argument: a path, or `-` for standard input (the capture's text when it has one).
io::LayerSpec read_layer_argument(const std::string& path, std::uint64_t memory_cap);

}  // namespace freelunch::cli
