"""OPC UA server for the twins (asyncua): a PackML-shaped address space a SCADA can drive.

May import: ``reind.core`` and ``reind.factory`` (control, twins).
"""

from reind.factory.opcua.security import OpcUaSecurity
from reind.factory.opcua.server import TwinOpcUaServer

__all__ = ["OpcUaSecurity", "TwinOpcUaServer"]
