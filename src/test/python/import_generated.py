# Imports each generated module given on the command line and prints one line per module:
# "<path> imported" or "<path> syntax-error". Anything else (an exception at import) fails loudly.
import importlib.util
import sys

for path in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("generated_" + str(abs(hash(path))), path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        print(path, "imported")
    except SyntaxError:
        print(path, "syntax-error")
