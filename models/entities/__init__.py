"""ORM entities, one per module; importing this package registers them all on Base.metadata."""

from models.entities.article import Article
from models.entities.article_region import ArticleRegion
from models.entities.article_source import ArticleSource
from models.entities.article_theme import ArticleTheme
from models.entities.base import Base
from models.entities.crawl_lock import CrawlLock
from models.entities.crawl_run import CrawlRun
from models.entities.data_version import DataVersion
from models.entities.editor_action import EditorAction
from models.entities.fetch_state import FetchState
from models.entities.login_attempt import LoginAttempt
from models.entities.robots_txt import RobotsTxt
from models.entities.seen_url import SeenUrl
from models.entities.source import Source
from models.entities.source_run import SourceRun
from models.entities.theme import Theme
from models.entities.theme_correction import ThemeCorrection

__all__ = [
    "Article",
    "ArticleRegion",
    "ArticleSource",
    "ArticleTheme",
    "Base",
    "CrawlLock",
    "CrawlRun",
    "DataVersion",
    "EditorAction",
    "FetchState",
    "LoginAttempt",
    "RobotsTxt",
    "SeenUrl",
    "Source",
    "SourceRun",
    "Theme",
    "ThemeCorrection",
]
