-- json: encode / decode between Lua values and JSON text (known texts, round trips).

local function deep_equal(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then
    if type(a) == "number" then return a == b and math.type(a) == math.type(b) end
    return a == b
  end
  for k, v in pairs(a) do if not deep_equal(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

test("encode: scalars, arrays, objects with sorted keys, integers vs floats", function()
  check_eq(json.encode(nil), "null")
  check_eq(json.encode(true), "true")
  check_eq(json.encode(3), "3")
  check_eq(json.encode(3.0), "3.0")
  check_eq(json.encode(0.1), "0.1")
  check_eq(json.encode(-2.5e-7), "-2.5e-07")
  check_eq(json.encode(math.mininteger), "-9223372036854775808")
  check_eq(json.encode({1, 2, 3}), "[1,2,3]")
  check_eq(json.encode({b = 1, a = {true, false}, c = "x"}), '{"a":[true,false],"b":1,"c":"x"}')
  check_eq(json.encode({}), "[]")
  check_eq(json.encode({}, {empty = "object"}), "{}")
  check_eq(json.encode({1, json.null, 3}), "[1,null,3]")
  check_eq(json.encode({a = {}}, {indent = 2}), '{\n  "a": []\n}')
  check_eq(json.encode({x = {1, 2}}, {indent = 2}), '{\n  "x": [\n    1,\n    2\n  ]\n}')
end)

test("encode: string escapes and unicode", function()
  check_eq(json.encode('a"b\\c\n\t\r/'), '"a\\"b\\\\c\\n\\t\\r/"')
  check_eq(json.encode("\1\31"), '"\\u0001\\u001f"')
  check_eq(json.encode("héllo ✓ 😀"), '"héllo ✓ 😀"')
end)

test("decode: integers stay integers, floats floats, null is json.null", function()
  local v = json.decode('{"n": 3, "f": 3.0, "e": 1e2, "big": 12345678901234567890, "s": "x", "a": [1, null, true], "o": {}}')
  check_eq(math.type(v.n), "integer"); check_eq(v.n, 3)
  check_eq(math.type(v.f), "float"); check_eq(v.f, 3.0)
  check_eq(math.type(v.e), "float"); check_eq(v.e, 100.0)
  check_eq(math.type(v.big), "float"); check_near(v.big, 1.2345678901234567e19, 1e-15)
  check_eq(#v.a, 3); check(v.a[2] == json.null, "null decodes to json.null"); check_eq(v.a[3], true)
  check_eq(type(v.o), "table"); check_eq(next(v.o), nil)
  check_eq(tostring(json.null), "json.null")
end)

test("decode: escapes and surrogate pairs", function()
  check_eq(json.decode('"\\u00e9\\u2713\\ud83d\\ude00\\n\\"\\/"'), "é✓😀\n\"/")
  check_eq(json.decode('"héllo"'), "héllo")
end)

test("round trips keep values and number kinds", function()
  local values = {
    {1, 2.5, -3, 0.1, 1e300, -0.0, math.maxinteger, "text", true, false},
    {name = "conv1", value = 0.8123456789012345, nested = {k = {1, {2, {3}}}}, unicode = "Ω≈ç√∫ 中文 😀", esc = "\"\\\b\f\n\r\t\0"},
    {{a = 1}, {a = 2, b = json.null}},
  }
  for i, v in ipairs(values) do
    for _, indent in ipairs({0, 2}) do
      local text = json.encode(v, {indent = indent})
      check(deep_equal(json.decode(text), v), "round trip " .. i .. " indent " .. indent .. ": " .. text)
      check_eq(json.encode(json.decode(text), {indent = indent}), text, "stable text " .. i)
    end
  end
  -- Every float survives its shortest text.
  for _, x in ipairs({1 / 3, 2 / 3, math.pi, 5e-324, 1.7976931348623157e308, 123456.789e-10}) do
    check_eq(json.decode(json.encode(x)), x)
  end
end)

test("NaN and infinities: an error naming the path, or null on request", function()
  check_error(function() json.encode({a = {1, 0 / 0}}) end, "json.encode", "value.a[2]", "NaN has no JSON form", "nan = \"null\"")
  check_error(function() json.encode(math.huge) end, "json.encode", "value: an infinity")
  check_eq(json.encode({1, 0 / 0, -math.huge}, {nan = "null"}), "[1,null,null]")
end)
