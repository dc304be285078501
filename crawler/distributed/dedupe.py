"""Duplicate texts across workers: the first article with a text (or a near-duplicate) wins for
the whole run, as it does within one crawler process (crawler/pipelines/dedupe.py)."""

from __future__ import annotations

from crawler.distributed.state import RunState
from crawler.items import ArticleRecord
from crawler.pipelines.dedupe import MAX_DISTANCE, DedupePipeline, SimhashIndex

# The same bands as SimhashIndex; the distance is summed over the four 16-bit parts (Redis's
# Lua has 32-bit bit operations only).
FIRST_COPY = """
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if owner then return owner end
local parts = {tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])}
if ARGV[3] == '1' then
  for i = 1, 4 do
    local entries = redis.call('HGET', KEYS[2], i .. ':' .. parts[i])
    if entries then
      for entry in string.gmatch(entries, '[^;]+') do
        local a, b, c, d, key = string.match(entry, '^(%d+) (%d+) (%d+) (%d+) (.+)$')
        local other = {tonumber(a), tonumber(b), tonumber(c), tonumber(d)}
        local distance = 0
        for j = 1, 4 do
          local x = bit.bxor(parts[j], other[j])
          while x > 0 do distance = distance + bit.band(x, 1) x = bit.rshift(x, 1) end
        end
        if distance <= tonumber(ARGV[8]) then return key end
      end
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local entry = table.concat(parts, ' ') .. ' ' .. ARGV[2]
for i = 1, 4 do
  local field = i .. ':' .. parts[i]
  local current = redis.call('HGET', KEYS[2], field)
  redis.call('HSET', KEYS[2], field, current and (current .. ';' .. entry) or entry)
end
redis.call('EXPIRE', KEYS[1], ARGV[9])
redis.call('EXPIRE', KEYS[2], ARGV[9])
return false
"""


class SharedDedupePipeline(DedupePipeline):
    """Texts stored before the run are known locally (as on one machine); texts of this run are
    checked and recorded in Redis in one step, so two workers never both keep a copy."""

    def open_spider(self, spider=None):
        super().open_spider(spider)
        state: RunState = (spider or self.crawler.spider).run_state
        self.state = state
        self.first_copy = state.server.register_script(FIRST_COPY)

    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleRecord):
            return item
        index = self.index or self._build()  # before by_content: _build fills it
        if item.content_hash not in self.by_content:
            near = len(item.text) >= 400
            if not (near and index.find(item.simhash)):
                keys = self.state.keys
                original = self.first_copy(
                    keys=[keys.content, keys.simhash],
                    args=[item.content_hash, item.url_hash, int(near),
                          *SimhashIndex._keys(item.simhash), MAX_DISTANCE, self.state.ttl],
                )  # fmt: skip
                if original and original.decode() != item.url_hash:
                    # Known as another article's text: the pipeline below links it to that one.
                    self.by_content[item.content_hash] = original.decode()
        return super().process_item(item, spider)
