"""How a template calls a macro or a function: Jinja2's Context.call, without the questions a plain one
never needs asked."""

from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType

from jinja2 import runtime
from jinja2.utils import internalcode

# Called at once: a macro (its __call__ takes the evaluation context, always), a function or method
# that takes nothing from Jinja2 (it would be marked pass_context, pass_environment or
# pass_eval_context: its jinja_pass_arg).
_MACRO, _FUNCTIONS = runtime.Macro, (FunctionType, MethodType, BuiltinFunctionType)


class Context(runtime.Context):
    """Jinja2's context, whose call() hands a macro or a plain function its arguments at once. Jinja2
    first asks each callable, its __call__ too, whether it wants the context, the environment or the
    evaluation context passed: those questions were a tenth of the time rendering took."""

    @internalcode
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja2's own names, as call() is overridden
        kind = type(__obj)
        if kind is _MACRO:   # whether it marks its text safe is the caller's autoescaping, as Jinja2 has it
            args = (__self.eval_ctx, *args)
        elif kind not in _FUNCTIONS or getattr(__obj, "jinja_pass_arg", None) is not None:
            return super().call(__obj, *args, **kwargs)
        if kwargs:   # what Jinja2 adds for a callable that takes the context
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")
