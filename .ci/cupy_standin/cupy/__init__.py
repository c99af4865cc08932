"""A strict CPU stand-in for CuPy (test_grok.py puts its folder first on PYTHONPATH): NumPy arrays behind a wall."""
import types

import numpy

__version__ = "0.0-cpu-standin"
HOST_ERROR = ("Implicit conversion to a NumPy array is not allowed. "
              "Please use `.get()` to construct a NumPy array explicitly.")


def _wrap(x):
    if isinstance(x, (numpy.ndarray, numpy.generic)):
        return ndarray(numpy.asarray(x))  # reductions give 0-d device arrays, as in CuPy
    if isinstance(x, (tuple, list)):  # a plain tuple for NumPy's named ones (eigh, svd), as CuPy
        return [_wrap(v) for v in x] if isinstance(x, list) else tuple(_wrap(v) for v in x)
    return x


def _unwrap(x):
    if isinstance(x, ndarray):
        return x._a
    if isinstance(x, (tuple, list)):
        return type(x)(_unwrap(v) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _refuse_host(x):
    """CuPy refuses NumPy arrays as operands (Python and NumPy scalars are fine)."""
    if isinstance(x, numpy.ndarray):
        raise TypeError(f"Unsupported type {type(x)}")
    if isinstance(x, (tuple, list)):
        for v in x:
            _refuse_host(v)
    if isinstance(x, dict):
        _refuse_host(list(x.values()))


def _device(fn):
    def call(*args, **kwargs):
        _refuse_host((args, kwargs))
        return _wrap(fn(*_unwrap(args), **_unwrap(kwargs)))
    return call


def _binary(ufunc):
    return (lambda self, other: ufunc(self, other)), (lambda self, other: ufunc(other, self))


class ndarray:
    __slots__ = ("_a",)

    def __init__(self, a):
        self._a = a

    def get(self):
        return self._a.copy()

    def __array__(self, *args, **kwargs):
        raise TypeError(HOST_ERROR)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _refuse_host((inputs, kwargs))
        out = kwargs.get("out")
        result = getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs))
        return out[0] if out is not None and len(out) == 1 else _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        _refuse_host((args, kwargs))
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    def __getattr__(self, name):  # shape, T, sum(), reshape(), ... of the wrapped array
        if name.startswith("__"):  # no __array_interface__ / __array_struct__
            raise AttributeError(name)
        attr = getattr(self._a, name)
        return _device(attr) if callable(attr) else _wrap(attr)

    def __getitem__(self, index):  # NumPy index arrays are accepted, as in CuPy
        return _wrap(self._a[_unwrap(index)])

    def __setitem__(self, index, value):
        _refuse_host(value)
        self._a[_unwrap(index)] = _unwrap(value)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(row) for row in self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __complex__(self):
        return complex(self._a)

    def __bool__(self):
        return bool(self._a)

    def __format__(self, spec):
        return format(self._a.item() if self._a.ndim == 0 else self._a, spec)

    def __repr__(self):
        return "standin_" + repr(self._a)

    __add__, __radd__ = _binary(numpy.add)
    __sub__, __rsub__ = _binary(numpy.subtract)
    __mul__, __rmul__ = _binary(numpy.multiply)
    __truediv__, __rtruediv__ = _binary(numpy.true_divide)
    __floordiv__, __rfloordiv__ = _binary(numpy.floor_divide)
    __mod__, __rmod__ = _binary(numpy.remainder)
    __matmul__, __rmatmul__ = _binary(numpy.matmul)
    __and__, __rand__ = _binary(numpy.logical_and)
    __or__, __ror__ = _binary(numpy.logical_or)
    __lt__, __gt__ = _binary(numpy.less)[0], _binary(numpy.greater)[0]
    __le__, __ge__ = _binary(numpy.less_equal)[0], _binary(numpy.greater_equal)[0]
    __eq__, __ne__ = _binary(numpy.equal)[0], _binary(numpy.not_equal)[0]
    __hash__ = None

    def __pow__(self, other):  # the wrapped array's own **, not power(): NumPy 1.x computes
        _refuse_host(other)  # a ** 2, a ** 0.5, a ** -1 as square, sqrt, reciprocal, power() otherwise
        return _wrap(self._a ** _unwrap(other))

    def __rpow__(self, other):
        _refuse_host(other)
        return _wrap(_unwrap(other) ** self._a)

    def __iadd__(self, other):
        return numpy.add(self, other, out=(self,))

    def __isub__(self, other):
        return numpy.subtract(self, other, out=(self,))

    def __imul__(self, other):
        return numpy.multiply(self, other, out=(self,))

    def __itruediv__(self, other):
        return numpy.true_divide(self, other, out=(self,))

    def __neg__(self):
        return numpy.negative(self)

    def __abs__(self):
        return numpy.absolute(self)

    def __invert__(self):
        return numpy.invert(self)


def asarray(a, dtype=None):
    """Host -> device (the explicit way in); a list holding device arrays is refused, as in CuPy."""
    return a if isinstance(a, ndarray) and dtype is None else ndarray(numpy.array(a, dtype=dtype))


array = asarray


def asnumpy(a):
    return a.get() if isinstance(a, ndarray) else numpy.asarray(a)


class _Module:
    """numpy (or numpy.linalg) with every function taking and returning device arrays."""
    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if isinstance(attr, type):  # dtypes and exception classes, e.g. linalg.LinAlgError
            return attr
        if isinstance(attr, types.ModuleType):
            return _Module(attr)
        return _device(attr) if callable(attr) else attr


linalg = _Module(numpy.linalg)
_numpy = _Module(numpy)
cuda = types.SimpleNamespace(Stream=types.SimpleNamespace(null=types.SimpleNamespace(synchronize=lambda: None)),
                             runtime=types.SimpleNamespace(getDeviceCount=lambda: 1))


def __getattr__(name):
    return getattr(_numpy, name)
