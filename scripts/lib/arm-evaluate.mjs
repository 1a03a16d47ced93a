// A small evaluator for compiled ARM templates (the JSON `bicep build` writes), enough to answer "what does
// this template deploy with these parameters": parameters, variables, conditions, copy loops and nested
// deployments are resolved, and every property that depends only on parameters and literals gets its value.
// Anything known only at deployment time (resourceGroup(), reference(), resourceId(), uniqueString(), ...)
// or a function not implemented here evaluates to UNKNOWN, which propagates; a check that needs a value
// and meets UNKNOWN must treat it as "not proven". No dependencies: plain Node.js.

/** A value that cannot be known before deployment. */
export const UNKNOWN = Object.freeze({ toString: () => '<unknown>' });
export const isUnknown = (v) => v === UNKNOWN;

// ---- expression parsing ---------------------------------------------------------------------------------

function tokenize(src) {
  const tokens = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") { s += "'"; i += 2; continue; }
          i++;
          break;
        }
        s += src[i++];
      }
      tokens.push({ t: 'str', v: s });
      continue;
    }
    if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      if (m) { tokens.push({ t: 'num', v: Number(m[0]) }); i += m[0].length; continue; }
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$.]*/.exec(src.slice(i));
      // Dots inside an identifier are property accesses unless a '(' follows (e.g. sys.concat does not occur).
      const parts = m[0].split('.');
      tokens.push({ t: 'id', v: parts[0] });
      for (const p of parts.slice(1)) { tokens.push({ t: '.' }); tokens.push({ t: 'id', v: p }); }
      i += m[0].length;
      continue;
    }
    if ('(),[].'.includes(c)) { tokens.push({ t: c }); i++; continue; }
    throw new Error(`unexpected '${c}' in expression ${src}`);
  }
  return tokens;
}

function parse(src) {
  const tokens = tokenize(src);
  let p = 0;
  const peek = () => tokens[p];
  const take = (t) => {
    const tok = tokens[p++];
    if (!tok || (t && tok.t !== t)) throw new Error(`expected ${t} in expression ${src}`);
    return tok;
  };
  function primary() {
    const tok = take();
    let node;
    if (tok.t === 'str' || tok.t === 'num') node = { k: 'lit', v: tok.v };
    else if (tok.t === 'id') {
      take('(');
      const args = [];
      if (peek()?.t !== ')') {
        args.push(primary());
        while (peek()?.t === ',') { take(','); args.push(primary()); }
      }
      take(')');
      node = { k: 'call', name: tok.v.toLowerCase(), args };
    } else throw new Error(`unexpected token ${tok.t} in expression ${src}`);
    for (;;) {
      if (peek()?.t === '.') { take('.'); node = { k: 'prop', of: node, name: { k: 'lit', v: take('id').v } }; }
      else if (peek()?.t === '[') { take('['); const index = primary(); take(']'); node = { k: 'prop', of: node, name: index }; }
      else return node;
    }
  }
  const node = primary();
  if (p !== tokens.length) throw new Error(`trailing tokens in expression ${src}`);
  return node;
}

// ---- evaluation -----------------------------------------------------------------------------------------

const anyUnknown = (...vs) => vs.some(isUnknown);
const jsonEqual = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function format(fmt, args) {
  return fmt.replace(/\{(\d+)(:[^}]*)?\}/g, (_, n) => String(args[Number(n)]));
}

const functions = {
  parameters: (ctx, [name]) => ctx.parameter(name),
  variables: (ctx, [name]) => ctx.variable(name),
  copyindex: (ctx, [a, b]) => {
    const loop = typeof a === 'string' ? a : undefined;
    const offset = typeof a === 'number' ? a : typeof b === 'number' ? b : 0;
    const index = ctx.copyIndex(loop);
    return isUnknown(index) ? UNKNOWN : index + offset;
  },
  true: () => true,
  false: () => false,
  null: () => null,
  json: (ctx, [s]) => (isUnknown(s) ? UNKNOWN : JSON.parse(s)),
  not: (ctx, [a]) => (isUnknown(a) ? UNKNOWN : !a),
  and: (ctx, args) => (args.includes(false) ? false : anyUnknown(...args) ? UNKNOWN : true),
  or: (ctx, args) => (args.includes(true) ? true : anyUnknown(...args) ? UNKNOWN : false),
  equals: (ctx, [a, b]) => (anyUnknown(a, b) ? UNKNOWN : jsonEqual(a, b)),
  empty: (ctx, [a]) => (isUnknown(a) ? UNKNOWN : a == null || (typeof a === 'object' ? Object.keys(a).length === 0 : a.length === 0)),
  length: (ctx, [a]) => (isUnknown(a) ? UNKNOWN : Array.isArray(a) || typeof a === 'string' ? a.length : Object.keys(a).length),
  coalesce: (ctx, args) => {
    for (const a of args) { if (isUnknown(a)) return UNKNOWN; if (a != null) return a; }
    return null;
  },
  concat: (ctx, args) => {
    if (anyUnknown(...args)) return UNKNOWN;
    return args.every(Array.isArray) ? args.flat() : args.map(String).join('');
  },
  format: (ctx, [fmt, ...args]) => (anyUnknown(fmt, ...args) ? UNKNOWN : format(fmt, args)),
  tolower: (ctx, [s]) => (isUnknown(s) ? UNKNOWN : s.toLowerCase()),
  toupper: (ctx, [s]) => (isUnknown(s) ? UNKNOWN : s.toUpperCase()),
  string: (ctx, [s]) => (isUnknown(s) ? UNKNOWN : typeof s === 'string' ? s : JSON.stringify(s)),
  int: (ctx, [s]) => (isUnknown(s) ? UNKNOWN : Number.parseInt(s, 10)),
  bool: (ctx, [s]) => (isUnknown(s) ? UNKNOWN : s === true || s === 'true'),
  take: (ctx, [s, n]) => (anyUnknown(s, n) ? UNKNOWN : s.slice(0, n)),
  replace: (ctx, [s, a, b]) => (anyUnknown(s, a, b) ? UNKNOWN : s.split(a).join(b)),
  contains: (ctx, [c, x]) => (anyUnknown(c, x) ? UNKNOWN : Array.isArray(c) ? c.some((e) => jsonEqual(e, x)) : typeof c === 'string' ? c.includes(x) : Object.hasOwn(c, x)),
  createarray: (ctx, args) => args,
  createobject: (ctx, args) => {
    const o = {};
    for (let i = 0; i < args.length; i += 2) { if (isUnknown(args[i])) return UNKNOWN; o[args[i]] = args[i + 1]; }
    return o;
  },
  union: (ctx, args) => {
    if (anyUnknown(...args)) return UNKNOWN;
    if (args.every(Array.isArray)) return [...new Set(args.flat().map((e) => JSON.stringify(e)))].map((e) => JSON.parse(e));
    return Object.assign({}, ...args);
  },
  trygetvalue: (ctx, [o, ...keys]) => {
    let v = o;
    for (const k of keys) { if (anyUnknown(v, k)) return UNKNOWN; if (v == null) return null; v = v[k] ?? null; }
    return v;
  },
};
functions.tryget = functions.trygetvalue;

function evaluateNode(node, ctx) {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'prop': {
      const of = evaluateNode(node.of, ctx);
      const name = evaluateNode(node.name, ctx);
      if (anyUnknown(of, name)) return UNKNOWN;
      if (of == null) throw new Error(`property ${name} of null`);
      return of[name] === undefined ? UNKNOWN : of[name];
    }
    case 'call': {
      if (node.name === 'if') {
        const cond = evaluateNode(node.args[0], ctx);
        if (isUnknown(cond)) return UNKNOWN;
        return evaluateNode(node.args[cond ? 1 : 2], ctx);
      }
      const args = node.args.map((a) => evaluateNode(a, ctx));
      const fn = functions[node.name];
      // Deployment-time functions and anything not implemented here are unknown on purpose.
      return fn ? fn(ctx, args) : UNKNOWN;
    }
  }
  throw new Error(`bad node ${node.k}`);
}

/** Evaluates a template string value: "[expr]" is an expression, "[[..." a literal starting with '['. */
export function evaluateString(s, ctx) {
  if (typeof s !== 'string' || !s.startsWith('[') || !s.endsWith(']')) return s;
  if (s.startsWith('[[')) return s.slice(1);
  return evaluateNode(parse(s.slice(1, -1)), ctx);
}

/** Evaluates every expression inside a JSON value. */
export function evaluateDeep(value, ctx) {
  if (typeof value === 'string') return evaluateString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => evaluateDeep(v, ctx));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateDeep(v, ctx);
    return out;
  }
  return value;
}

function context(template, parameterValues, copyIndexes = {}) {
  const variableCache = new Map();
  const ctx = {
    parameter(name) {
      if (Object.hasOwn(parameterValues, name)) return parameterValues[name];
      const declared = template.parameters?.[name];
      if (!declared) throw new Error(`parameters('${name}') is not declared`);
      if (!('defaultValue' in declared)) throw new Error(`parameter ${name} has no value and no default`);
      return evaluateDeep(declared.defaultValue, ctx);
    },
    variable(name) {
      if (!variableCache.has(name)) {
        const declared = template.variables?.[name];
        if (declared === undefined) throw new Error(`variables('${name}') is not declared`);
        variableCache.set(name, UNKNOWN); // a self-reference stays unknown rather than looping
        variableCache.set(name, evaluateDeep(declared, ctx));
      }
      return variableCache.get(name);
    },
    copyIndex(loop) {
      const key = loop ?? '';
      return key in copyIndexes ? copyIndexes[key] : UNKNOWN;
    },
    withCopyIndex(loop, index) {
      return context(template, parameterValues, { ...copyIndexes, [loop]: index, '': index });
    },
  };
  return ctx;
}

/**
 * Every resource a template deploys with the given parameter values, nested deployments flattened.
 * Each entry: { type, name, path, deployed: true | UNKNOWN, resource } with the resource's JSON evaluated.
 * Resources whose condition is false are left out; a condition that depends on deployment-time values
 * gives deployed = UNKNOWN.
 */
export function deployedResources(template, parameterValues, path = []) {
  const ctx = context(template, parameterValues);
  const resources = Array.isArray(template.resources)
    ? template.resources.map((r) => [undefined, r])
    : Object.entries(template.resources ?? {});
  const out = [];
  for (const [symbol, resource] of resources) {
    if (resource.existing) continue;
    const instances = [];
    if (resource.copy) {
      const count = evaluateDeep(resource.copy.count, ctx);
      if (isUnknown(count)) throw new Error(`copy count of ${symbol ?? resource.name} is not known before deployment`);
      for (let i = 0; i < count; i++) instances.push(ctx.withCopyIndex(resource.copy.name, i));
    } else instances.push(ctx);
    for (const c of instances) {
      const condition = 'condition' in resource ? evaluateDeep(resource.condition, c) : true;
      if (condition === false) continue;
      const { copy, condition: _, properties, ...rest } = resource;
      const name = evaluateDeep(resource.name, c);
      const entry = { type: resource.type, name, symbol, path: [...path, isUnknown(name) ? symbol : name], deployed: condition === true ? true : UNKNOWN };
      if (resource.type === 'Microsoft.Resources/deployments' && properties?.template) {
        const values = {};
        // Each entry is { value } or, when Bicep chooses the value at deployment, an expression yielding it.
        for (const [k, v] of Object.entries(properties.parameters ?? {})) {
          const entry = evaluateDeep(v, c);
          values[k] = isUnknown(entry) ? UNKNOWN : entry.value;
        }
        for (const inner of deployedResources(properties.template, values, entry.path)) {
          out.push(entry.deployed === true ? inner : { ...inner, deployed: UNKNOWN });
        }
        continue;
      }
      entry.resource = evaluateDeep({ ...rest, properties }, c);
      out.push(entry);
    }
  }
  return out;
}
