"""Every attribute name actiontrace writes, and the context keys, markers and limits its
modules share, in one place.

GenAI, session, user, server and error names come from
``opentelemetry-semantic-conventions`` (v1.41 GenAI conventions); only what the
conventions lack is defined here, under the single ``actiontrace.`` prefix.
"""

from __future__ import annotations

from opentelemetry.context import create_key
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as _gen_ai
from opentelemetry.semconv._incubating.attributes import openai_attributes as _openai
# Re-exported (``X as X``: explicitly, for type checkers) so the package imports names from here alone.
from opentelemetry.semconv._incubating.attributes.session_attributes import SESSION_ID as SESSION_ID
from opentelemetry.semconv._incubating.attributes.user_attributes import USER_ID as USER_ID
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE as ERROR_TYPE
from opentelemetry.semconv.attributes.server_attributes import SERVER_ADDRESS as SERVER_ADDRESS
from opentelemetry.semconv.attributes.server_attributes import SERVER_PORT as SERVER_PORT

# --- from the GenAI semantic conventions -------------------------------------
GEN_AI_OPERATION_NAME = _gen_ai.GEN_AI_OPERATION_NAME
GEN_AI_PROVIDER_NAME = _gen_ai.GEN_AI_PROVIDER_NAME
GEN_AI_REQUEST_MODEL = _gen_ai.GEN_AI_REQUEST_MODEL
GEN_AI_RESPONSE_MODEL = _gen_ai.GEN_AI_RESPONSE_MODEL
GEN_AI_RESPONSE_ID = _gen_ai.GEN_AI_RESPONSE_ID
GEN_AI_RESPONSE_FINISH_REASONS = _gen_ai.GEN_AI_RESPONSE_FINISH_REASONS
GEN_AI_USAGE_INPUT_TOKENS = _gen_ai.GEN_AI_USAGE_INPUT_TOKENS
GEN_AI_USAGE_OUTPUT_TOKENS = _gen_ai.GEN_AI_USAGE_OUTPUT_TOKENS
GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = _gen_ai.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS
GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = _gen_ai.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS
GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = _gen_ai.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS
GEN_AI_TOOL_NAME = _gen_ai.GEN_AI_TOOL_NAME
GEN_AI_TOOL_DESCRIPTION = _gen_ai.GEN_AI_TOOL_DESCRIPTION
GEN_AI_TOOL_TYPE = _gen_ai.GEN_AI_TOOL_TYPE
GEN_AI_TOOL_CALL_ID = _gen_ai.GEN_AI_TOOL_CALL_ID
GEN_AI_TOOL_CALL_ARGUMENTS = _gen_ai.GEN_AI_TOOL_CALL_ARGUMENTS
GEN_AI_TOOL_CALL_RESULT = _gen_ai.GEN_AI_TOOL_CALL_RESULT
GEN_AI_AGENT_NAME = _gen_ai.GEN_AI_AGENT_NAME
GEN_AI_AGENT_ID = _gen_ai.GEN_AI_AGENT_ID
GEN_AI_AGENT_DESCRIPTION = _gen_ai.GEN_AI_AGENT_DESCRIPTION
GEN_AI_WORKFLOW_NAME = _gen_ai.GEN_AI_WORKFLOW_NAME
GEN_AI_CONVERSATION_ID = _gen_ai.GEN_AI_CONVERSATION_ID
GEN_AI_INPUT_MESSAGES = _gen_ai.GEN_AI_INPUT_MESSAGES
GEN_AI_OUTPUT_MESSAGES = _gen_ai.GEN_AI_OUTPUT_MESSAGES
GEN_AI_SYSTEM_INSTRUCTIONS = _gen_ai.GEN_AI_SYSTEM_INSTRUCTIONS

Operation = _gen_ai.GenAiOperationNameValues
Provider = _gen_ai.GenAiProviderNameValues

OPENAI_RESPONSE_SYSTEM_FINGERPRINT = _openai.OPENAI_RESPONSE_SYSTEM_FINGERPRINT
OPENAI_RESPONSE_SERVICE_TIER = _openai.OPENAI_RESPONSE_SERVICE_TIER

# --- our own, where the conventions are silent -------------------------------
# What kind of unit of work a span is: action, tool, llm, agent, workflow, event.
SPAN_TYPE = "actiontrace.span.type"
# Captured arguments and result, as bounded JSON.
INPUT = "actiontrace.input"
OUTPUT = "actiontrace.output"
# The decision path built from ancestor span names: /agent/tools/search.
PATH = "actiontrace.path"

SESSION_NAME = "actiontrace.session.name"
SESSION_PATH = "actiontrace.session.path"
PROPERTY_PREFIX = "actiontrace.property."

# Generators and streams.
ITEMS_YIELDED = "actiontrace.stream.items"
STREAM_COMPLETED = "actiontrace.stream.completed"

# Agent autonomy.
AGENT_ITERATIONS = "actiontrace.agent.iterations"
AGENT_MAX_ITERATIONS = "actiontrace.agent.max_iterations"
AGENT_MAX_ITERATIONS_REACHED = "actiontrace.agent.max_iterations_reached"

# Cost, and roll-ups of cost and tokens on agent/workflow/session roots.
COST_USD = "actiontrace.cost.usd"
TOTAL_COST_USD = "actiontrace.total.cost.usd"
TOTAL_INPUT_TOKENS = "actiontrace.total.input_tokens"
TOTAL_OUTPUT_TOKENS = "actiontrace.total.output_tokens"

# Redaction audit: "path:rule-id" entries, never the values.
REDACTED = "actiontrace.redacted"

# Seed-compatible fields.
TAGS = "actiontrace.tags"
EVENT_TYPE = "actiontrace.event.type"
EVENT_RESULT = "actiontrace.event.result"
ACTION_TYPE = "actiontrace.action.type"
METADATA_PREFIX = "actiontrace.metadata."
TOOLS_USED_PREFIX = "actiontrace.tools_used."
DISPLAY_NAME = "actiontrace.display_name"
CONNECTOR = "actiontrace.connector"
ASSET_ID = "actiontrace.asset_id"
OPERATION = "actiontrace.operation"

# --- OpenAI instrumentation (request/response details; GenAI names first) ----
GEN_AI_REQUEST_TEMPERATURE = _gen_ai.GEN_AI_REQUEST_TEMPERATURE
GEN_AI_REQUEST_TOP_P = _gen_ai.GEN_AI_REQUEST_TOP_P
GEN_AI_REQUEST_TOP_K = _gen_ai.GEN_AI_REQUEST_TOP_K
GEN_AI_REQUEST_MAX_TOKENS = _gen_ai.GEN_AI_REQUEST_MAX_TOKENS
GEN_AI_REQUEST_PRESENCE_PENALTY = _gen_ai.GEN_AI_REQUEST_PRESENCE_PENALTY
GEN_AI_REQUEST_FREQUENCY_PENALTY = _gen_ai.GEN_AI_REQUEST_FREQUENCY_PENALTY
GEN_AI_REQUEST_SEED = _gen_ai.GEN_AI_REQUEST_SEED
GEN_AI_REQUEST_STOP_SEQUENCES = _gen_ai.GEN_AI_REQUEST_STOP_SEQUENCES
GEN_AI_REQUEST_CHOICE_COUNT = _gen_ai.GEN_AI_REQUEST_CHOICE_COUNT
GEN_AI_REQUEST_STREAM = _gen_ai.GEN_AI_REQUEST_STREAM
GEN_AI_REQUEST_ENCODING_FORMATS = _gen_ai.GEN_AI_REQUEST_ENCODING_FORMATS
GEN_AI_OUTPUT_TYPE = _gen_ai.GEN_AI_OUTPUT_TYPE
GEN_AI_EMBEDDINGS_DIMENSION_COUNT = _gen_ai.GEN_AI_EMBEDDINGS_DIMENSION_COUNT
GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = _gen_ai.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK
GEN_AI_TOOL_DEFINITIONS = _gen_ai.GEN_AI_TOOL_DEFINITIONS
OPENAI_REQUEST_SERVICE_TIER = _openai.OPENAI_REQUEST_SERVICE_TIER
# The conventions have no reasoning-effort request attribute yet.
REQUEST_REASONING_EFFORT = "actiontrace.request.reasoning_effort"

# --- metrics: GenAI token type, and our per-tool instruments -------------------
GEN_AI_TOKEN_TYPE = _gen_ai.GEN_AI_TOKEN_TYPE
TokenType = _gen_ai.GenAiTokenTypeValues
METER_NAME = "actiontrace"
TOOL_DURATION_METRIC = "actiontrace.tool.duration"
TOOL_ERRORS_METRIC = "actiontrace.tool.errors"

# --- GenAI events (the Logs API), and the names OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental
# switches to. Each newer name says where it comes from; the next rename is one line here.
# The event that carries one inference's details and content (GenAI events, v1.37 on).
GEN_AI_INFERENCE_DETAILS_EVENT = "gen_ai.client.inference.operation.details"
EVENTS_SCOPE = "actiontrace.genai"  # the logger scope of a provider without a scope of its own
# Metric names of v1.41 (the default), then their latest-experimental names.
GEN_AI_OPERATION_DURATION_METRIC = "gen_ai.client.operation.duration"
GEN_AI_TOKEN_USAGE_METRIC = "gen_ai.client.token.usage"
GEN_AI_TIME_TO_FIRST_CHUNK_METRIC = "gen_ai.client.operation.time_to_first_chunk"
# Latest experimental: open-telemetry/semantic-conventions-genai, docs/gen-ai/client-inference.md
# and gen-ai-token-metrics.md (after v1.41).
LATEST_USAGE_CACHE_WRITE_INPUT_TOKENS = "gen_ai.usage.cache_write.input_tokens"  # was cache_creation
LATEST_OPERATION_DURATION_METRIC = "gen_ai.client.inference.duration"
LATEST_TIME_TO_FIRST_CHUNK_METRIC = "gen_ai.client.inference.time_to_first_chunk"
# Tokens: per-operation histograms without a token type, plus usage counters by modality.
LATEST_INPUT_TOKENS_METRIC = "gen_ai.client.inference.operation.input_tokens"
LATEST_OUTPUT_TOKENS_METRIC = "gen_ai.client.inference.operation.output_tokens"
LATEST_USAGE_INPUT_TOKENS_METRIC = "gen_ai.client.inference.usage.input_tokens"
LATEST_USAGE_OUTPUT_TOKENS_METRIC = "gen_ai.client.inference.usage.output_tokens"
GEN_AI_TOKEN_MODALITY = "gen_ai.token.modality"
TOKEN_MODALITY_UNKNOWN = "unknown"  # providers here do not split usage by modality
# gen_ai.request.stream and gen_ai.response.time_to_first_chunk (defined above from the semconv
# package) are written in both modes: the conformance suites expect them by default.

# --- MCP (GenAI semantic conventions v1.41, docs/gen-ai/mcp.md) ----------------
# Spelled out: the semconv package marks its mcp_* names deprecated (they moved to the GenAI repo).
MCP_METHOD_NAME = "mcp.method.name"
MCP_SESSION_ID = "mcp.session.id"
MCP_PROTOCOL_VERSION = "mcp.protocol.version"
MCP_RESOURCE_URI = "mcp.resource.uri"
GEN_AI_PROMPT_NAME = "gen_ai.prompt.name"
JSONRPC_REQUEST_ID = "jsonrpc.request.id"
RPC_RESPONSE_STATUS_CODE = "rpc.response.status_code"
NETWORK_TRANSPORT = "network.transport"
NETWORK_PROTOCOL_NAME = "network.protocol.name"
NETWORK_PROTOCOL_VERSION = "network.protocol.version"
CLIENT_ADDRESS = "client.address"
CLIENT_PORT = "client.port"
MCP_CLIENT_OPERATION_DURATION_METRIC = "mcp.client.operation.duration"
MCP_SERVER_OPERATION_DURATION_METRIC = "mcp.server.operation.duration"
MCP_CLIENT_SESSION_DURATION_METRIC = "mcp.client.session.duration"
MCP_SERVER_SESSION_DURATION_METRIC = "mcp.server.session.duration"
# A CallToolResult with isError set (the conventions' low-cardinality value).
MCP_TOOL_ERROR = "tool_error"
# --- OpenAI Agents SDK bridge: what its spans carry that the conventions do not name yet ---
AGENTS_TRACE_ID = "actiontrace.openai_agents.trace_id"  # the SDK's own trace id, to find it in its dashboard
AGENTS_SPAN_TYPE = "actiontrace.openai_agents.span_type"  # the SDK's span kind (custom, mcp_tools, ...)
AGENT_HANDOFFS = "actiontrace.agent.handoffs"
AGENT_TOOLS = "actiontrace.agent.tools"
AGENT_OUTPUT_TYPE = "actiontrace.agent.output_type"
HANDOFF_FROM_AGENT = "actiontrace.handoff.from_agent"
HANDOFF_TO_AGENT = "actiontrace.handoff.to_agent"
GUARDRAIL_NAME = "actiontrace.guardrail.name"
GUARDRAIL_TRIGGERED = "actiontrace.guardrail.triggered"
MCP_SERVER = "actiontrace.mcp.server"
MCP_TOOLS = "actiontrace.mcp.tools"

# --- context keys: what actiontrace keeps in the OpenTelemetry context -------
# A tool call id given by the caller (``with tool_call_id("call_1"):``) for the next tool span.
TOOL_CALL_ID_KEY = create_key("actiontrace-tool-call-id")
# The enclosing agent's or workflow's totals, next to the span, so one attach/detach covers both.
TOTALS_KEY = create_key("actiontrace-totals")
# Set while an instrumented LLM call runs: a nested instrumented call (a helper that calls
# create() internally) then passes through, so one API call is one span.
LLM_CALL_KEY = create_key("actiontrace-llm-call")

# --- markers and limits --------------------------------------------------------
# What replaces a secret: ``[REDACTED:<rule-id>]``.
REDACTION_MARKER = "[REDACTED:{}]"
# String attribute values longer than this are cut on export (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT wins).
DEFAULT_MAX_VALUE_CHARS = 65536


def truncation_marker(original_length: int, unit: str = "chars") -> str:
    """What follows a cut value, naming what the whole had: ``…[truncated: 5000 chars]``
    (or ``items``, ``bytes``, ``values``)."""
    return f"…[truncated: {original_length} {unit}]"


def redaction_marker(rule_id: str) -> str:
    return REDACTION_MARKER.format(rule_id)
