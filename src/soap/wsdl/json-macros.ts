/**
 * Velocity macros that write JSON values from what `$util.parseJson($util.xmlToJson(...))` gives
 * for an element: its text (a string), or a map with `#text` beside `@attribute`s (`xsi:nil="true"`
 * reads as `@nil`). `$t` and `$nil` are the scratch variables of `#sv`; every other macro uses them
 * right after setting them, before any nested call, as Velocity's variables are global.
 *
 * - `#jstr`: a JSON string (`$util.escapeJavaScript` escapes `'` as `\'`, which JSON does not allow,
 *   so that one is put back);
 * - `#jnum`: a JSON number when the text is one JSON can hold as written, else the text as a string
 *   (XSD allows `+5`, `007`, `.5`, `INF`, which JSON does not);
 * - `#jbool`: true/false from XSD's `true`/`1`/`false`/`0`;
 * - `#jany`: any element as JSON, maps as objects and repeated elements as arrays (namespace
 *   declarations left out).
 */
export const JSON_MACROS = [
  "#macro(sv $x)#set($t = '')#set($t = $x)#set($nil = false)#if(!$x)#set($nil = true)#elseif($x.keySet())#set($t = '')#set($t = $x.get('#text'))#if($x.get('@nil') == 'true' || $x.get('@xsi:nil') == 'true')#set($nil = true)#end#end#end##",
  `#macro(jstr $x)#sv($x)#if($nil)null#else"$util.escapeJavaScript($t).replaceAll("\\\\'","'")"#end#end##`,
  "#macro(jnum $x)#sv($x)#if($nil)null#elseif($t.trim().matches('-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?'))$t.trim()#else#jstr($x)#end#end##",
  "#macro(jbool $x)#sv($x)#if($nil)null#elseif($t.trim() == 'true' || $t.trim() == '1')true#elseif($t.trim() == 'false' || $t.trim() == '0')false#else#jstr($x)#end#end##",
  `#macro(jany $v)#if($v.keySet()){#set($c = '')#foreach($k in $v.keySet())#if(!$k.startsWith('@xmlns'))$c"$util.escapeJavaScript($k).replaceAll("\\\\'","'")":#jany($v.get($k))#set($c = ',')#end#end}#elseif($v.size() && !$v.keySet())[#foreach($e in $v)#jany($e)#if($foreach.hasNext),#end#end]#else#jstr($v)#end#end##`,
].join("\n");
