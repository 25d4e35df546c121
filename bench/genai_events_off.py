"""Instructions per direct call through the GenAI core (the tests' echo provider), GenAI events
off: run under callgrind with N=0 and N=4000; the difference / 4000 is the per-call count.

    PYTHONPATH=<tree>/src valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
        .venv/bin/python bench/genai_events_off.py 4000 <tree>     # and with 0; compare trees
"""
import sys
sys.path.insert(0, sys.argv[2] + "/tests")
from opentelemetry.sdk.trace import TracerProvider
from support.echo_provider import Client, EchoInstrumentation
inst = EchoInstrumentation(); inst.instrument(tracer_provider=TracerProvider(), capture_content=False)
client = Client()
for _ in range(50): client.messages.create(model="echo-1", prompt="hi", usage={"input": 3, "output": 2})
for _ in range(int(sys.argv[1])): client.messages.create(model="echo-1", prompt="hi", usage={"input": 3, "output": 2})
