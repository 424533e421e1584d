import type { LanguageRuntime } from './language.ts';

// Runs inside the sandbox. Reads the program from fd 3, runs it as __main__, and sends any
// matplotlib figures out through fd 4 (the host never reads files the run could tamper with).
const HARNESS = String.raw`
import os, sys
warm = sys.argv[1] == "warm"
if warm:
    import numpy, pandas, sklearn, sklearn.linear_model, sklearn.model_selection
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot, io
    # The first savefig loads the renderer and fonts; pay that before the candidate waits.
    matplotlib.pyplot.figure().savefig(io.BytesIO(), format="png")
    matplotlib.pyplot.close("all")
    os.write(4, b"R")  # tells the warm pool this interpreter is loaded
chunks = []
while True:
    chunk = os.read(3, 1 << 16)
    if not chunk:
        break
    chunks.append(chunk)
os.close(3)
source = b"".join(chunks).decode("utf-8", "replace")
sys.argv = ["main.py"]

def _send_figures():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    import io, struct
    for number in plt.get_fignums()[:8]:
        buffer = io.BytesIO()
        plt.figure(number).savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        data = buffer.getvalue()
        try:
            os.write(4, struct.pack(">I", len(data)) + data)
        except OSError:
            return
    plt.close("all")

def _patch_show():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.show = lambda *args, **kwargs: _send_figures()

if warm:
    _patch_show()
else:
    import importlib.abc
    class _PatchOnImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "matplotlib.pyplot":
                sys.meta_path.remove(self)
                import importlib.util
                spec = importlib.util.find_spec(name)
                loader = spec.loader
                original = loader.exec_module
                def exec_module(module):
                    original(module)
                    module.show = lambda *a, **k: _send_figures()
                loader.exec_module = exec_module
                return spec
            return None
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.meta_path.insert(0, _PatchOnImport())

status = 0
try:
    exec(compile(source, "main.py", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
except SystemExit as stop:
    status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    if stop.code is not None and not isinstance(stop.code, int):
        print(stop.code, file=sys.stderr)
except BaseException as error:
    import traceback
    # Hide the harness frame: the candidate's traceback starts at main.py.
    traceback.print_exception(type(error), error, error.__traceback__.tb_next if isinstance(error, Exception) and not isinstance(error, SyntaxError) else None)
    status = 1
finally:
    sys.stdout.flush()
    _send_figures()
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
`;

export function pythonRuntime(interpreter: string): LanguageRuntime {
  return {
    id: 'python',
    binaries: [interpreter],
    command: ({ warm }) => [interpreter, '-u', '-B', '-c', HARNESS, warm ? 'warm' : 'cold'],
  };
}
