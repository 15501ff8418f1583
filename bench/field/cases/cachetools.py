from ._dsl import bug, ref

B = "cachetools"
P = "cachetools/__init__.py"
K = "cachetools/keys.py"

bug(B, P, "Cache.__setitem__", "other", "boundary",
    "`if itemsize > maxsize:` -> `if itemsize >= maxsize:`",
    "Cache: reject items that fill the whole cache",
    "An item as large as the cache would evict everything else; refuse it up front.",
    '''            if itemsize > maxsize:''',
    '''            if itemsize >= maxsize:''',
    "Cache(10, getsizeof=len).setdefault('a', 'x' * 10)")

bug(B, P, "Cache.__setitem__", "other", "boundary",
    "eviction loop `self.__currsize + 1 > maxsize` -> `>= maxsize` for unsized caches",
    "Cache: evict before reaching maxsize",
    "Keep one slot free so inserting never overshoots.",
    '''                while self.__currsize + 1 > maxsize:''',
    '''                while self.__currsize + 1 >= maxsize:''',
    "(lambda c: (c.update(a=1, b=2), sorted(c))[1])(LRUCache(2))")

bug(B, P, "Cache.__setitem__", "other", "wrong-expression",
    "`diffsize = itemsize - size[key]` -> `diffsize = itemsize` when replacing a sized item",
    "Cache: treat updates like inserts",
    "Use the new item's size for the size bookkeeping of replaced keys too.",
    '''                diffsize = itemsize - size[key]''',
    '''                diffsize = itemsize''',
    "(lambda c: (c.update(a='xx'), c.update(a='xxx'), c.currsize)[2])(Cache(10, getsizeof=len))")

bug(B, P, "LFUCache.__touch", "other", "dropped-statement",
    "`del link.keys[key]` removed when moving a key to the next frequency link",
    "LFUCache: leave the old link cleanup to unlink()",
    "Empty links are unlinked anyway; no need to delete the key from the old link first.",
    '''        curr.keys[key] = None
        del link.keys[key]
        if not link.keys:''',
    '''        curr.keys[key] = None
        if not link.keys:''',
    "(lambda c: (c.update(a=1, b=2), c['a'], c.update(c=3), sorted(c))[3])(LFUCache(2))")

bug(B, P, "LRUCache.__getitem__", "other", "wrong-flag",
    "`self.__order.move_to_end(key)` -> `self.__order.move_to_end(key, last=False)` on reads",
    "LRUCache: move read keys to the front",
    "Keep the most recently read entries at the front of the order dict.",
    '''        value = cache_getitem(self, key)
        try:
            self.__order.move_to_end(key)
        except KeyError:  # __missing__ may not store item''',
    '''        value = cache_getitem(self, key)
        try:
            self.__order.move_to_end(key, last=False)
        except KeyError:  # __missing__ may not store item''',
    "(lambda c: (c.update(a=1, b=2), c['a'], c.update(c=3), sorted(c))[3])(LRUCache(2))")

bug(B, P, "RRCache.__delitem__", "other", "off-by-one",
    "`if index != len(self.__keys) - 1:` -> `if index != len(self.__keys):`",
    "RRCache: simplify the swap-with-last check",
    "Always move the last key into the freed slot.",
    '''        if index != len(self.__keys) - 1:''',
    '''        if index != len(self.__keys):''',
    "(lambda c: (c.update(a=1), c.pop('a'), c.update(a=2), c.popitem())[3])(RRCache(5, choice=min))")

bug(B, P, "TTLCache.__contains__", "other", "boundary",
    "`self.timer() < link.expires` -> `self.timer() <= link.expires`",
    "TTLCache: an item is valid until its expiry time",
    "Count the expiry instant itself as still valid in membership tests.",
    '''            return self.timer() < link.expires''',
    '''            return self.timer() <= link.expires''',
    "(lambda t: (lambda c: (c.__setitem__('k', 1), t.__setitem__(0, 5), 'k' in c)[2])("
    "TTLCache(10, ttl=5, timer=lambda: t[0])))([0])")

bug(B, K, "typedkey", "other", "dropped-statement",
    "the types of keyword-argument values are no longer appended to the key",
    "typedkey: types of positional arguments only",
    "Keyword values are already part of the key; appending their types is redundant.",
    '''        key = args + _kwmark + sorted_kwargs
        key += tuple([type(v) for _, v in sorted_kwargs])
    else:
        key = args
    return key + tuple(map(type, args))


def typedmethodkey(''',
    '''        key = args + _kwmark + sorted_kwargs
    else:
        key = args
    return key + tuple(map(type, args))


def typedmethodkey(''',
    "typedkey(x=1) == typedkey(x=1.0)")

bug(B, K, "hashkey", "other", "dropped-call",
    "`tuple(sorted(kwargs.items()))` -> `tuple(kwargs.items())`",
    "hashkey: keep keyword order",
    "Dicts keep insertion order, so sorting the keyword items is unnecessary work on every "
    "cached call.",
    '''def hashkey(*args, **kwargs):
    """Return a cache key for the specified hashable arguments."""

    if kwargs:
        return args + _kwmark + tuple(sorted(kwargs.items()))''',
    '''def hashkey(*args, **kwargs):
    """Return a cache key for the specified hashable arguments."""

    if kwargs:
        return args + _kwmark + tuple(kwargs.items())''',
    "hashkey(a=1, b=2) == hashkey(b=2, a=1)")

CACHEGEN = ("lambda r, m: cache_ops(r, pick(r, [m.Cache, m.LRUCache, m.LFUCache, m.FIFOCache, "
            "lambda n, getsizeof=None: m.RRCache(n, choice=min, getsizeof=getsizeof)])(r.randint(0, 8), "
            "getsizeof=pick(r, [None, None, len])), r.randint(1, 20))")

ref(B, P, "Cache.get", "other", "conditional-expression",
    "if/else returning `self[key]` or `default` -> one conditional expression",
    "Cache.get: one-line lookup",
    "Shorter, same behaviour.",
    '''        if key in self:
            return self[key]
        else:
            return default''',
    '''        return self[key] if key in self else default''',
    CACHEGEN)

ref(B, P, "LRUCache.__touch", "other", "lbyl",
    "try/except KeyError around `move_to_end` -> explicit membership test",
    "LRUCache.__touch: check membership instead of catching KeyError",
    "Look before you leap; the order dict is small.",
    '''        try:
            self.__order.move_to_end(key)
        except KeyError:
            self.__order[key] = None''',
    '''        if key in self.__order:
            self.__order.move_to_end(key)
        else:
            self.__order[key] = None''',
    CACHEGEN)

ref(B, K, "hashkey", "other", "conditional-expression",
    "if/else -> conditional expression",
    "hashkey: single return",
    "One return statement.",
    '''    if kwargs:
        return args + _kwmark + tuple(sorted(kwargs.items()))
    else:
        return args


def methodkey(''',
    '''    return args + _kwmark + tuple(sorted(kwargs.items())) if kwargs else args


def methodkey(''',
    "lambda r, m: m.hashkey(*[pick(r, [1, 1.0, 'a', None, (), True]) for _ in range(r.randint(0, 3))], "
    "**{pick(r, 'xyz'): pick(r, [1, 'b', None, 2.5]) for _ in range(r.randint(0, 3))})")
