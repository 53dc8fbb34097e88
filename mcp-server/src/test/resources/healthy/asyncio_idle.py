# Healthy: an asyncio service with no clients: the loop idles in its selector, a periodic task sleeps.
import asyncio


async def handle(reader, writer):
    writer.close()


async def heartbeat():
    while True:
        await asyncio.sleep(5)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    asyncio.get_running_loop().create_task(heartbeat(), name="heartbeat")
    print("READY", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
