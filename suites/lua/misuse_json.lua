-- json: every bad input gives one clear error naming the function and where.

test("encode rejects cycles, deep nesting, mixed or odd keys and values JSON cannot hold", function()
  local t = {a = {}}
  t.a.back = t
  check_error(function() json.encode(t) end, "json.encode", "value.a.back", "cycle")
  local deep = {}
  local cur = deep
  for _ = 1, 150 do cur[1] = {}; cur = cur[1] end
  check_error(function() json.encode(deep) end, "json.encode", "nested deeper than 100 levels")
  check_error(function() json.encode({1, 2, x = 3}) end, "json.encode", "value: both integer and string keys")
  check_error(function() json.encode({[1] = 1, [3] = 3}) end, "json.encode", "integer keys that are not 1…n")
  check_error(function() json.encode({[true] = 1}) end, "json.encode", "the key boolean true", "JSON object keys are strings")
  check_error(function() json.encode({[1.5] = 1}) end, "json.encode", "the key number 1.5")
  check_error(function() json.encode({f = print}) end, "json.encode", "value.f: expected a boolean, number, string, table or json.null, got function")
  check_error(function() json.encode({["a b"] = {tensor.zeros(2)}}) end, "json.encode", 'value["a b"][1]', "got tensor")
  check_error(function() json.encode("\255") end, "json.encode", "not UTF-8")
  check_error(function() json.encode() end, "json.encode", "argument 1 (value)")
  check_error(function() json.encode(1, {indent = -1}) end, "json.encode", "option 'indent'")
  check_error(function() json.encode(1, {nan = "zero"}) end, "json.encode", "option 'nan'", "\"error\", \"null\"")
  check_error(function() json.encode(1, {wat = 1}) end, "json.encode", "unknown option 'wat'")
end)

test("decode rejects invalid text with the byte offset", function()
  check_error(function() json.decode("") end, "json.decode", "invalid JSON at byte 0", "unexpected end of text")
  check_error(function() json.decode("[1, 2") end, "json.decode", "invalid JSON at byte 5")
  check_error(function() json.decode('{"a": 1} x') end, "json.decode", "unexpected data after the JSON value")
  check_error(function() json.decode("[01]") end, "json.decode", "leading zero")
  check_error(function() json.decode('"\\ud800"') end, "json.decode", "unpaired surrogate")
  check_error(function() json.decode("NaN") end, "json.decode", "invalid JSON")
  check_error(function() json.decode(string.rep("[", 150) .. string.rep("]", 150)) end, "json.decode", "nested deeper than 100 levels")
  check_error(function() json.decode(5) end, "json.decode", "argument 1 (text): expected a string of JSON text, got number 5")
  check_error(function() json.decode("1", 2) end, "json.decode", "at most 1 argument")
end)
