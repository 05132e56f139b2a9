// `servebench tokenize`: counts (or lists) the tokens of a text with any --tokenizer form, the
// same code prompts are built with. --hex-lines reads one hex-encoded byte string a line (any
// bytes, invalid UTF-8 included) and prints each line's ids and the hex of their decoding:
// the form the tokenizer oracle test compares against the reference implementation.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "runner/base/flags.h"
#include "runner/cli/commands.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::cli {
namespace {

std::string FromHex(const std::string& hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return bytes;
}

std::string ToHex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

void PrintIds(const std::vector<int>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) std::printf(i ? " %d" : "%d", ids[i]);
}

int HexLines(const tokenizers::Tokenizer& tokenizer, std::istream& in) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos || line.size() % 2) {
      return Fail("tokenize --hex-lines: a line is not hex: " + line.substr(0, 40));
    }
    const std::vector<int> ids = tokenizer.Encode(FromHex(line));
    PrintIds(ids);
    std::printf("\t%s\n", ToHex(tokenizer.Decode(ids)).c_str());
  }
  return 0;
}

}  // namespace

int TokenizeCommand(const Args& args) {
  std::string spec;
  bool ids = false, hex_lines = false;
  base::FlagSet flags("tokenize");
  flags.String("--tokenizer", &spec, "a tokenizer.json or .model file, a model folder or org/name");
  flags.Bool("--ids", &ids, "print the token ids, not just their count");
  flags.Bool("--hex-lines", &hex_lines, "each input line is hex bytes; print ids and decoding");
  auto parsed = flags.Parse(args);
  if (!parsed) return Fail(parsed.error().message);
  if (spec.empty() || parsed->size() > 1) {
    return Fail("tokenize: usage: servebench tokenize --tokenizer SPEC [--ids|--hex-lines] [FILE]");
  }
  auto tokenizer = tokenizers::Tokenizer::Load(spec);
  if (!tokenizer) return Fail(tokenizer.error().message);
  std::ifstream file;
  if (!parsed->empty()) {
    file.open(parsed->front(), std::ios::binary);
    if (!file) return Fail("tokenize: cannot read " + parsed->front());
  }
  std::istream& in = parsed->empty() ? std::cin : file;
  if (hex_lines) return HexLines(**tokenizer, in);
  std::stringstream text;
  text << in.rdbuf();
  const std::vector<int> tokens = (*tokenizer)->Encode(text.str());
  if (ids) {
    PrintIds(tokens);
    std::printf("\n");
  } else {
    std::printf("%zu\n", tokens.size());
  }
  return 0;
}

}  // namespace servebench::cli
