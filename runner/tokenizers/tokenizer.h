// One tokenizer interface for everything that counts or builds tokens: exact-length prompts,
// prefix pools, hash-id blocks, client-side OSL counts and the mock's usage. Three kinds sit
// behind it: a sentencepiece .model, a Hugging Face tokenizer.json, and the server's own
// /tokenize and /detokenize.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::tokenizers {

// The file --tokenizer SPEC names: a .model or tokenizer.json file, a model folder holding
// either (tokenizer.json first, as servers load it), or a Hugging Face name (org/model) found
// in the local cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub) or downloaded
// into it from $HF_ENDPOINT (default https://huggingface.co) when the network allows.
base::Expected<std::string> LocateTokenizer(const std::string& spec);

class Tokenizer {
 public:
  // spec: as LocateTokenizer reads it ("server" is made by MakeServerTokenizer instead).
  static base::Expected<std::shared_ptr<Tokenizer>> Load(const std::string& spec);
  virtual ~Tokenizer() = default;

  // The text's token ids, no special tokens added.
  virtual std::vector<int> Encode(std::string_view text) const = 0;
  virtual std::string Decode(const std::vector<int>& ids) const = 0;
  virtual int64_t Count(std::string_view text) const {
    return static_cast<int64_t>(Encode(text).size());
  }
  // Whole-word tokens: each is one token, and a text made of their WordText()s re-tokenizes to
  // exactly those tokens (the first one without its leading space when the tokenizer adds a
  // leading space itself, see ImpliesLeadingSpace). Empty when the tokenizer cannot list them.
  virtual std::vector<int> WholeWordIds() const = 0;
  // The text a whole-word token adds in the middle of a text: " word".
  virtual std::string WordText(int id) const = 0;
  // True when a text's first word is written without its space (sentencepiece-style tokenizers
  // prepend one): Encode("word") is then one token, the same as " word" mid-text.
  virtual bool ImpliesLeadingSpace() const = 0;
  // The special tokens a server puts before a prompt it tokenizes: 1 when tokenizer_config.json
  // sets add_bos_token with a bos_token, else 0. Never part of Count (metrics.md: no client-
  // added special tokens); the mock adds it to usage.prompt_tokens as a server does.
  virtual int ServerPrefixTokens() const { return 0; }
};

}  // namespace servebench::tokenizers
